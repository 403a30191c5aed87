#!/usr/bin/env bash
# Load time and memory of `evacmap check` against GDAL's `ogrinfo -ro -al -so` on the same
# generated story, measured in turn in the same run (issue 9's load target: 3x faster than GDAL).
#
#   scripts/load-vs-gdal.sh [FEATURES] [RUNS]      (default 1000000 features, 3 runs each)
#
# Needs a release build (`cargo build --release`), gdal-bin and GNU time (/usr/bin/time).
set -euo pipefail
features=${1:-1000000}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
evacmap="$root/target/release/evacmap"
[ -x "$evacmap" ] || { echo "build first: cargo build --release" >&2; exit 2; }
command -v ogrinfo >/dev/null || { echo "needs ogrinfo (apt-get install gdal-bin)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
story="$work/generated-$features.geojson"
"$evacmap" generate "$features" --out "$story" >/dev/null
size=$(stat -c %s "$story")
echo "story: $features features, $size bytes"

# Prints "seconds max_rss_kb" for one run of the command.
measure() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
        cat "$work/err" >&2
        exit 1
    }
    cat "$work/time"
}
# The empty app: what `check` of a one-feature story costs, subtracted to get bytes per feature.
"$evacmap" generate 1 --out "$work/one.geojson" >/dev/null
read -r _ empty_kb < <(measure "$evacmap" check "$work/one.geojson")

best_e=999999 best_g=999999 rss_e=0 rss_g=0
for run in $(seq "$runs"); do
    read -r e_s e_kb < <(measure "$evacmap" check "$story")
    read -r g_s g_kb < <(measure ogrinfo -ro -al -so "$story")
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
empty_after=$(resident_mb "$work/one.geojson")
if [ -n "$after" ] && [ -n "$empty_after" ]; then
    awk -v a="$after" -v e="$empty_after" -v n="$features" 'BEGIN {
        printf "memory: resident after loading %d MB, empty app %d MB: %.0f bytes per feature (target <= 250)\n", a, e, (a - e) * 1e6 / n
    }'
fi
awk -v e="$best_e" -v g="$best_g" -v re="$rss_e" -v rg="$rss_g" -v empty="$empty_kb" \
    -v n="$features" -v size="$size" 'BEGIN {
    printf "best of runs: evacmap %.2f s, GDAL %.2f s: evacmap is %.2fx faster (target >= 3x)\n", e, g, g / e
    printf "memory: evacmap peak %.0f MB = %.2fx the file (target <= 1.5x); GDAL peak %.0f MB\n", re / 1024, re * 1024 / size, rg / 1024
    printf "memory: %.0f bytes per feature above the empty app (%.0f MB) at peak (target <= 250 after loading)\n", (re - empty) * 1024 / n, empty / 1024
}'
