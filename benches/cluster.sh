#!/usr/bin/env bash
# The README's "On a cluster" table: one generated 1.0 GB nginx log as 1, 8 and 64 partials
# (plan --split), each partial made by `postmortem partial --task N` one after another; the
# size of all partials and of the largest, and the time `merge --json` takes (farm-bench when
# present, else one timed run).
#   benches/cluster.sh [DIR]      (DIR: where the log and the partials go; default a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin postmortem --example gen-logs
B="$PWD/target/release/postmortem"
DIR="${1:-$(mktemp -d)}"
mkdir -p "$DIR"
[ -f "$DIR/logs/access.log" ] || target/release/examples/gen-logs --out "$DIR/logs" --size 1140MiB --format nginx
size=$(stat -c %s "$DIR/logs/access.log")
echo "input: $size bytes"
echo "| partials | all partials | largest partial | reading all tasks | merge --json |"
for k in 1 8 64; do
  d="$DIR/k$k"; rm -rf "$d"; mkdir -p "$d"
  split=(); [ "$k" -gt 1 ] && split=(--split $(( size / k + 1 )))
  "$B" plan "$DIR/logs" "${split[@]}" -o "$d/plan.json" -q
  n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['tasks']))" "$d/plan.json")
  start=$(date +%s.%N)
  for t in $(seq 0 $((n - 1))); do "$B" partial --plan "$d/plan.json" --task "$t" -o "$d/$t.part" -q; done
  read_s=$(echo "$(date +%s.%N) - $start" | bc)
  total=$(cat "$d"/*.part | wc -c)
  largest=$(stat -c %s "$d"/*.part | sort -n | tail -1)
  parts=("$d"/*.part)
  if command -v farm-bench >/dev/null; then
    merge=$(farm-bench -n 5 -- "$B" merge --plan "$d/plan.json" "${parts[@]}" --json -o "$d/draft.json" 2>&1 \
      | awk '/wall s/ {print $5 " s (median of 5)"}')
  else
    s=$(date +%s.%N); "$B" merge --plan "$d/plan.json" "${parts[@]}" --json -o "$d/draft.json"
    merge="$(echo "$(date +%s.%N) - $s" | bc) s"
  fi
  echo "| $n | $total B | $largest B | ${read_s} s | $merge |"
done
