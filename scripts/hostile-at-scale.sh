#!/usr/bin/env bash
# Hostile input at scale (issue 27): big files that are wrong in one place, checked with
# `evacmap check`, each with its time, peak memory and the first lines of what it said. Expected:
# a located error or warning for each, never a panic, and memory within the load's usual bounds.
#
#   scripts/hostile-at-scale.sh [FEATURES]    (default 3500000: a story file of about 1 GB)
set -euo pipefail
features=${1:-3500000}
root=$(cd "$(dirname "$0")/.." && pwd)
evacmap="$root/target/release/evacmap"
[ -x "$evacmap" ] || { echo "build first: cargo build --release" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evacmap" generate "$features" --out "$work/story.geojson" >/dev/null
size=$(stat -c %s "$work/story.geojson")
echo "story: $features features, $size bytes"
# Cut short: the last tenth of the file missing.
head -c $((size * 9 / 10)) "$work/story.geojson" > "$work/cut.geojson"
# A Latin-1 byte (0xE9, "é") at 90% of the file, in the middle of a name.
at=$(tail -c +$((size * 9 / 10 + 1)) "$work/story.geojson" | grep -m1 -b -o '"name":"' | cut -d: -f1 || true)
cp "$work/story.geojson" "$work/latin1.geojson"
printf '\xe9' | dd of="$work/latin1.geojson" bs=1 seek=$((size * 9 / 10 + at + 8)) conv=notrunc status=none
# An ACLED export with an unclosed quote at row 800,000 of a million.
"$evacmap" generate 1000000 --format acled --out "$work/acled.csv" >/dev/null
# Its notes are quoted: row 800,000's closing quote removed, the next row's opening one closes
# it (rows read wrong, located); then one whose rows have no quotes: nothing closes it.
awk 'NR == 800001 { sub(/\.",/, ".,") } { print }' "$work/acled.csv" > "$work/quote.csv"
tr -d '"' < "$work/acled.csv" | awk 'NR == 800001 { sub(/,[^,]*$/, ",\"never closed") } { print }' > "$work/unclosed.csv"
for file in cut.geojson latin1.geojson quote.csv unclosed.csv; do
    set +e
    /usr/bin/time -f '%e %M' -o "$work/time" "$evacmap" check "$work/$file" > "$work/out" 2>&1
    code=$?
    set -e
    read -r seconds kb < <(tail -1 "$work/time")
    echo "== $file: exit $code, $seconds s, peak $((kb / 1024)) MB ($(stat -c %s "$work/$file") bytes)"
    sed "s#$work/##" "$work/out" | head -4 | cut -c1-220
    if grep -q "panicked" "$work/out"; then
        echo "PANIC" >&2
        exit 1
    fi
done
