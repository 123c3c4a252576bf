#!/usr/bin/env bash
# Side by side on one generated 1 GiB nginx combined log (one day, one incident), page cache
# warm: postmortem against the floor (a bare two-thread 5xx-per-minute scan), ripgrep, lnav
# and GoAccess where installed, and many .gz files against `gzip -dc` in parallel; then the
# busy day (high-cardinality, time-ordered, plain and as rotated .gz) and a 1 GiB export.
#
#   benches/compare.sh [DIR]          # DIR defaults to target/compare (needs ~2.5 GB)
#   SKIP_GOACCESS=1 benches/compare.sh   # GoAccess takes minutes on 1 GiB
#   FORMAT_SIZE=256MiB FORMATS="syslog json" benches/compare.sh   # the per-format table
#
# Prints two Markdown tables: the tools on the nginx log (seconds, MB/s, peak RSS, ratio to
# postmortem), then postmortem on every format gen-logs writes (FORMAT_SIZE each, 256MiB
# unless set; FORMATS= empty skips it) on 2 threads and 1, with `wc -l` as the floor. Times come from
# hyperfine (median of 3) when installed and the tool takes under 20 s, else from one run
# under /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-target/compare}
SIZE=${SIZE:-1GiB}
THREADS=${THREADS:-2}
mkdir -p "$DIR"
# BUILT=DIR times binaries built before (postmortem and the examples), not a fresh build.
if [ -z "${BUILT:-}" ]; then
  cargo build --release --quiet --examples
fi
RELEASE=${BUILT:-target/release}
BIN=$RELEASE/postmortem
LOG="$DIR/nginx/access.log"
if [ ! -f "$LOG" ]; then
  $RELEASE/examples/gen-logs --out "$DIR/nginx" --size "$SIZE" --format nginx
fi
if [ ! -d "$DIR/gz" ]; then
  mkdir -p "$DIR/gz"
  split -n l/16 -d "$LOG" "$DIR/gz/access.log."
  ls "$DIR"/gz/access.log.* | xargs -P "$THREADS" -n 1 gzip -6
fi
BYTES=$(stat -c %s "$LOG")
GZ_BYTES=$(cat "$DIR"/gz/*.gz | gzip -dc | wc -c)
cat "$LOG" "$DIR"/gz/*.gz > /dev/null   # warm the page cache

# seconds and peak RSS (KB) of one command
measure() {
  local cmd=$1 secs rss
  /usr/bin/time -f "%M %e" -o "$DIR/time.txt" bash -c "$cmd" > /dev/null 2>&1 || true
  read -r rss secs < "$DIR/time.txt"
  # Slow tools (GoAccess: minutes) are timed once; the rest take hyperfine's median of 3.
  if command -v hyperfine > /dev/null && python3 -c "import sys; sys.exit(0 if float('$secs') < 20 else 1)"; then
    hyperfine --runs 3 --warmup 1 --export-json "$DIR/h.json" --style none "$cmd" > /dev/null 2>&1
    secs=$(python3 -c "import json;print(json.load(open('$DIR/h.json'))['results'][0]['median'])")
  fi
  echo "$secs $rss"
}

rows=()
add() { # name, what, bytes, command
  read -r secs rss < <(measure "$4")
  rows+=("$1|$2|$3|$secs|$rss")
}

export RAYON_NUM_THREADS=$THREADS
add "postmortem draft ($THREADS threads)" "the whole draft" "$BYTES" "$BIN draft $DIR/nginx --json"
add "postmortem draft (1 thread)" "the whole draft" "$BYTES" "RAYON_NUM_THREADS=1 $BIN draft $DIR/nginx --json"
add "bare 5xx/minute scan (2 threads)" "counts 5xx per minute" "$BYTES" "$RELEASE/examples/bare-5xx $LOG"
add "newline count (wc -l)" "counts lines" "$BYTES" "wc -l $LOG"
if command -v rg > /dev/null; then
  add "ripgrep $(rg --version | head -1 | cut -d' ' -f2)" "counts 5xx lines" "$BYTES" "rg -c '\" 5[0-9][0-9] ' $LOG"
fi
if command -v lnav > /dev/null; then
  add "lnav $(lnav -V | cut -d' ' -f2)" "5xx per minute (SQL)" "$BYTES" \
    "lnav -n -c \";SELECT strftime('%H:%M', log_time) AS m, count(*) FROM access_log WHERE sc_status >= 500 GROUP BY m\" $LOG"
fi
if command -v goaccess > /dev/null && [ -z "${SKIP_GOACCESS:-}" ]; then
  add "GoAccess $(goaccess -V | head -1 | grep -o '[0-9][0-9.]*[0-9]' | head -1)" "full report (JSON)" "$BYTES" \
    "goaccess $LOG --log-format=COMBINED --no-global-config -o $DIR/goaccess.json"
fi
add "postmortem draft, 16 .gz files" "the whole draft" "$GZ_BYTES" "$BIN draft $DIR/gz --json"
add "gzip -dc, 16 files, $THREADS in parallel" "decompresses" "$GZ_BYTES" \
  "ls $DIR/gz/*.gz | xargs -P $THREADS -n 1 gzip -dc > /dev/null"

base=$(echo "${rows[0]}" | cut -d'|' -f4)
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB; file: $(numfmt --to=iec "$BYTES") nginx combined, $(wc -l < "$LOG") lines"
echo
echo "| tool | does | s | MB/s | peak RSS MB | time vs postmortem |"
echo "|---|---|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
  IFS='|' read -r name what bytes secs rss <<< "$r"
  python3 - "$name" "$what" "$bytes" "$secs" "$rss" "$base" <<'PY'
import sys
name, what, b, s, rss, base = sys.argv[1:]
b, s, rss, base = int(b), float(s), int(rss), float(base)
print(f"| {name} | {what} | {s:.2f} | {b / 1e6 / s:,.0f} | {rss / 1024:,.0f} | {s / base:.2f}× |")
PY
done

# The busy day: time-ordered as a server writes it, 100,003 clients (a fifth IPv6), paths with
# ids and query strings, `-` fields, `rt=` and the upstream timings after the combined
# fields; plain, and as four rotated .gz files. What a terabyte of real access logs is made of.
BUSY="$DIR/busy"
if [ ! -f "$BUSY/plain/access.log" ]; then
  $RELEASE/examples/gen-logs --out "$BUSY/plain" --size "$SIZE" --format nginx-busy
fi
if [ ! -d "$BUSY/gz" ]; then
  mkdir -p "$BUSY/gz"
  split -n l/4 -d "$BUSY/plain/access.log" "$BUSY/gz/access.log."
  ls "$BUSY"/gz/access.log.* | xargs -P "$THREADS" -n 1 gzip -6
fi
BUSY_BYTES=$(stat -c %s "$BUSY/plain/access.log")
cat "$BUSY/plain/access.log" "$BUSY"/gz/*.gz > /dev/null
read -r busy_two busy_rss < <(measure "$BIN draft $BUSY/plain --json")
read -r busy_one _ < <(measure "RAYON_NUM_THREADS=1 $BIN draft $BUSY/plain --json")
read -r busy_bare _ < <(measure "$RELEASE/examples/bare-5xx $BUSY/plain/access.log")
read -r busy_gz gz_rss < <(measure "$BIN draft $BUSY/gz --json")
same=$(cmp -s <($BIN draft "$BUSY/plain" --json) <($BIN draft "$BUSY/plain" --json --threads 1) && echo yes || echo NO)
echo
echo "The busy day ($(numfmt --to=iec "$BUSY_BYTES"), $(wc -l < "$BUSY/plain/access.log") lines):"
echo
python3 - "$BUSY_BYTES" "$busy_two" "$busy_one" "$busy_bare" "$busy_gz" "$busy_rss" "$gz_rss" "$same" <<'PY'
import sys
b, two, one, bare, gz, rss, gz_rss, same = sys.argv[1:]
b, two, one, bare, gz = int(b), float(two), float(one), float(bare), float(gz)
print("| run | s | GB/s | peak RSS MB | ratio |")
print("|---|---:|---:|---:|---:|")
print(f"| draft, 2 threads | {two:.2f} | {b / 1e9 / two:.2f} | {int(rss) / 1024:,.0f} | {bare / two:.2f}× the bare scan's speed |")
print(f"| draft, 1 thread | {one:.2f} | {b / 1e9 / one:.2f} | | 2 threads {one / two:.2f}× faster |")
print(f"| bare 5xx/minute scan | {bare:.2f} | {b / 1e9 / bare:.2f} | | |")
print(f"| draft, 4 rotated .gz | {gz:.2f} | {b / 1e9 / gz:.2f} | {int(gz_rss) / 1024:,.0f} | {gz / two:.2f}× the plain file's time |")
print(f"\nSame JSON on 1 thread as on 2: {same}")
PY

# An export read in flat memory: the day as one Elasticsearch `_search` response on one line.
EXPORT="$DIR/export"
[ -f "$EXPORT/search.json" ] || $RELEASE/examples/gen-logs --out "$EXPORT" --size "$SIZE" --format elasticsearch
read -r export_secs export_rss < <(measure "$BIN draft $EXPORT --json")
echo
echo "Elasticsearch response, $(numfmt --to=iec "$(stat -c %s "$EXPORT/search.json")") on one line: $export_secs s, peak RSS $((export_rss / 1024)) MB"

# Every format gen-logs writes, one file each: postmortem on THREADS threads and on one.
FORMATS=${FORMATS-syslog json haproxy logfmt w3c docker cri alb envoy caddy}
[ -n "$FORMATS" ] || exit 0
FORMAT_SIZE=${FORMAT_SIZE:-256MiB}
echo
echo "Per format, $FORMAT_SIZE asked of gen-logs each:"
echo
echo "| format | MB | lines | $THREADS threads s | GB/s | 1 thread s | GB/s | peak RSS MB | wc -l GB/s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for f in $FORMATS; do
  out="$DIR/formats-$FORMAT_SIZE/$f"
  [ -d "$out" ] || $RELEASE/examples/gen-logs --out "$out" --size "$FORMAT_SIZE" --format "$f" 2> /dev/null
  file=$(ls "$out"/* | head -1)
  bytes=$(stat -c %s "$file")
  lines=$(wc -l < "$file")
  read -r two rss < <(measure "$BIN draft $out --json")
  read -r one _ < <(measure "RAYON_NUM_THREADS=1 $BIN draft $out --json")
  read -r floor _ < <(measure "wc -l $file")
  python3 - "$f" "$bytes" "$lines" "$two" "$one" "$rss" "$floor" <<'PY'
import sys
f, b, lines, two, one, rss, floor = sys.argv[1:]
b, two, one, rss, floor = int(b), float(two), float(one), int(rss), float(floor)
print(f"| {f} | {b / 1e6:,.0f} | {int(lines):,} | {two:.2f} | {b / 1e9 / two:.2f} | {one:.2f} | {b / 1e9 / one:.2f} | {rss / 1024:,.0f} | {b / 1e9 / max(floor, 0.01):.1f} |")
PY
done
