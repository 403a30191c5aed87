#!/usr/bin/env bash
# Issue 28's numbers for a story in PostGIS: `evacmap push` of a generated story against
# `ogr2ogr -f PostgreSQL` of the same file, in turn in the same run (target: at most 4x), and
# opening the whole story from the database (`evacmap check ADDRESS`: what country zoom asks
# for when every feature is in the country).
#
#   scripts/push-vs-ogr2ogr.sh ADDRESS [FEATURES] [RUNS]   (default 1000000 features, 2 runs)
#
# ADDRESS: postgres://user@host:port/database of a database the user may create tables in
# (the password from PGPASSWORD or ~/.pgpass). The stories and the table it writes are removed
# at the end. Needs a release build, gdal-bin and GNU time (/usr/bin/time).
set -euo pipefail
address=${1:?usage: $0 postgres://user@host:port/database [FEATURES] [RUNS]}
features=${2:-1000000}
runs=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
evacmap="$root/target/release/evacmap"
[ -x "$evacmap" ] || { echo "build first: cargo build --release" >&2; exit 2; }
command -v ogr2ogr >/dev/null || { echo "needs ogr2ogr (apt-get install gdal-bin)" >&2; exit 2; }
command -v psql >/dev/null || { echo "needs psql (apt-get install postgresql-client)" >&2; exit 2; }
work=$(mktemp -d)
cleanup() {
    psql -q "$address" -c "DELETE FROM evacmap_links WHERE story_id LIKE 'bench-%';
        DELETE FROM evacmap_stories WHERE story_id LIKE 'bench-%';
        DROP TABLE IF EXISTS bench_ogr2ogr" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
story="$work/generated-$features.geojson"
"$evacmap" generate "$features" --out "$story" >/dev/null
echo "story: $features features, $(stat -c %s "$story") bytes"
# libpq's form of the address, for GDAL.
host=$(echo "$address" | sed -E 's#^postgres(ql)?://([^@]*@)?([^:/]*).*#\3#')
port=$(echo "$address" | sed -E 's#^postgres(ql)?://([^@]*@)?[^:/]*:?([0-9]*)/.*#\3#')
user=$(echo "$address" | sed -E 's#^postgres(ql)?://(([^:@]*)(:[^@]*)?@)?.*#\3#')
database=$(echo "$address" | sed -E 's#^.*/([^/?]*)(\?.*)?$#\1#')
gdal="PG:host=$host port=${port:-5432} user=$user dbname=$database"

measure() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
        cat "$work/err" >&2
        exit 1
    }
    cat "$work/time"
}
for run in $(seq 1 "$runs"); do
    read -r ours ours_kb < <(measure "$evacmap" push "$story" "$address?story=bench-$run")
    read -r theirs _ < <(measure ogr2ogr -f PostgreSQL "$gdal" "$story" -nln bench_ogr2ogr \
        -overwrite -lco SPATIAL_INDEX=GIST)
    read -r opened opened_kb < <(measure "$evacmap" check "$address?story=bench-$run")
    awk -v a="$ours" -v b="$theirs" -v m="$ours_kb" -v o="$opened" -v om="$opened_kb" -v r="$run" \
        'BEGIN { printf "run %d: push %.1f s (%.0f MB peak), ogr2ogr %.1f s: %.2fx; open whole %.1f s (%.0f MB peak)\n", r, a, m / 1024, b, a / b, o, om / 1024 }'
done
