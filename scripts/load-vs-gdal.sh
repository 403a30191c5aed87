#!/usr/bin/env bash
# Load time and memory of `evacmap check` against GDAL's `ogrinfo -ro -al -so` on the same
# generated file, measured in turn in the same run. Issue 27's targets: evacmap in at most 0.15x
# GDAL's time on a 1M-feature story, 0.2x on 10M, 0.3x on a 1M-row ACLED export; at most 150
# (GeoJSON at 10M) or 250 (ACLED) bytes a feature resident after loading; peak at most 1.5x the
# file.
#
#   scripts/load-vs-gdal.sh [FEATURES] [RUNS] [story|acled|unhcr]   (default 1000000, 3 runs, story)
#
# Needs a release build (`cargo build --release`), gdal-bin and GNU time (/usr/bin/time).
set -euo pipefail
features=${1:-1000000}
runs=${2:-3}
format=${3:-story}
root=$(cd "$(dirname "$0")/.." && pwd)
evacmap="$root/target/release/evacmap"
[ -x "$evacmap" ] || { echo "build first: cargo build --release" >&2; exit 2; }
command -v ogrinfo >/dev/null || { echo "needs ogrinfo (apt-get install gdal-bin)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$format" in
    story) story="$work/generated-$features.geojson" gdal_options=() ;;
    acled) story="$work/generated-$features.csv"
           gdal_options=(-oo X_POSSIBLE_NAMES=longitude -oo Y_POSSIBLE_NAMES=latitude) ;;
    # A UNHCR flow table: GDAL reads it as a table without geometry.
    unhcr) story="$work/generated-$features.csv" gdal_options=() ;;
    *) echo "format: story, acled or unhcr" >&2; exit 2 ;;
esac
"$evacmap" generate "$features" --format "$format" --out "$story" >/dev/null
# Written out and read once before anything is timed: otherwise the first tool timed reads a
# file the system is still writing to disk (a 3 GB story: 22 s instead of 14), the second one
# from memory.
sync "$story"
cat "$story" >/dev/null
size=$(stat -c %s "$story")
echo "$format: $features features, $size bytes"

# Prints "seconds max_rss_kb" for one run of the command.
measure() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
        cat "$work/err" >&2
        exit 1
    }
    cat "$work/time"
}
# The empty app: what `check` of a one-feature story costs, subtracted to get bytes per feature.
one="$work/one.${story##*.}"
"$evacmap" generate 1 --format "$format" --out "$one" >/dev/null
read -r _ empty_kb < <(measure "$evacmap" check "$one")

best_e=999999 best_g=999999 rss_e=0 rss_g=0
for run in $(seq "$runs"); do
    read -r e_s e_kb < <(measure "$evacmap" check "$story")
    read -r g_s g_kb < <(measure ogrinfo -ro -al -so "${gdal_options[@]}" "$story")
    echo "run $run: evacmap check ${e_s} s, ${e_kb} KB max RSS; ogrinfo ${g_s} s, ${g_kb} KB max RSS"
    best_e=$(echo "$e_s $best_e" | awk '{print ($1 < $2) ? $1 : $2}')
    best_g=$(echo "$g_s $best_g" | awk '{print ($1 < $2) ? $1 : $2}')
    rss_e=$e_kb rss_g=$g_kb
done
# Resident memory right after loading, as `check` logs it (the peak above includes the text).
resident_mb() {
    RUST_LOG=evacmap=info "$evacmap" check "$1" 2>&1 >/dev/null |
        sed -n 's/.*resident memory \([0-9]*\) MB.*/\1/p' | tail -1
}
after=$(resident_mb "$story")
empty_after=$(resident_mb "$one")
if [ -n "$after" ] && [ -n "$empty_after" ]; then
    awk -v a="$after" -v e="$empty_after" -v n="$features" 'BEGIN {
        printf "memory: resident after loading %d MB, empty app %d MB: %.0f bytes per feature\n", a, e, (a - e) * 1e6 / n
    }'
fi
awk -v e="$best_e" -v g="$best_g" -v re="$rss_e" -v rg="$rss_g" -v empty="$empty_kb" \
    -v n="$features" -v size="$size" 'BEGIN {
    printf "best of runs: evacmap %.2f s, GDAL %.2f s: evacmap takes %.2fx GDAL'"'"'s time\n", e, g, e / g
    printf "memory: evacmap peak %.0f MB = %.2fx the file (target <= 1.5x); GDAL peak %.0f MB\n", re / 1024, re * 1024 / size, rg / 1024
    printf "memory: %.0f bytes per feature above the empty app (%.0f MB) at peak\n", (re - empty) * 1024 / n, empty / 1024
}'
