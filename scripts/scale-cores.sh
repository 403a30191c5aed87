#!/usr/bin/env bash
# Load time of `evacmap check` on 1, 2, 4, ... cores (taskset), with each phase's time from the
# debug log: how the load scales with cores (issue 27).
#
#   scripts/scale-cores.sh [FEATURES] [EVACMAP]     (default 1000000, target/release/evacmap)
#
# Generates a GeoJSON story and an ACLED export of FEATURES each in a temporary folder.
set -euo pipefail
features=${1:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
evacmap=${2:-$root/target/release/evacmap}
[ -x "$evacmap" ] || { echo "build first: cargo build --release" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evacmap" generate "$features" --out "$work/story.geojson" >/dev/null
"$evacmap" generate "$features" --format acled --out "$work/acled.csv" >/dev/null
cores=$(nproc)
counts=""
for n in 1 2 4 8 16 32 64; do
    [ "$n" -le "$cores" ] && counts="$counts $n"
done
# Seconds between the first log line and each phase's line.
phases() {
    awk '
        function secs(stamp,   t) { split(substr(stamp, 12, 12), t, ":"); return t[1] * 3600 + t[2] * 60 + t[3] }
        /^\[/ { stamp = substr($1, 2); if (first == "") first = secs(stamp)
                for (i = 3; i <= NF; i++) if ($i ~ /^(outlined|features|ids|dataset|references|ACLED|story)$/) {
                    printf "  %6.2f s  %s\n", secs(stamp) - first, substr($0, index($0, $i)); break } }'
}
for file in story.geojson acled.csv; do
    size=$(stat -c %s "$work/$file")
    echo "== $file: $features features, $size bytes"
    for n in $counts; do
        mask="0-$((n - 1))"
        /usr/bin/time -f '%e %M' -o "$work/time" taskset -c "$mask" env RUST_LOG=evacmap=debug \
            "$evacmap" check "$work/$file" >/dev/null 2>"$work/log"
        read -r seconds kb < "$work/time"
        echo "$n cores: $seconds s, peak $((kb / 1024)) MB"
        phases < "$work/log"
    done
done
