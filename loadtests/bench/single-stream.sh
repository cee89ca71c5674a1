#!/usr/bin/env bash
# Single-stream throughput, direct to the sample app and through Portcullis (proxy + TLS tunnel + agent).
# Usage: loadtests/bench/single-stream.sh [ROUNDS]   (default 3). Loopback only; starts its own demo on a free
# port and stops it (by PID) when done. Prints MB/s, the demo JVM's CPU seconds per GB moved and its thread context
# switches per MB (hand-offs between threads; steadier than time on a busy machine).
set -euo pipefail
rounds=${1:-3}
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

source "$root/loadtests/bench/demo.sh"
start_demo
# The sample app is the listener that answers /download directly (the others are the tunnel and admin ports).
app=""
for p in $(ss -ltnpH "( sport != :$proxy )" 2>/dev/null | grep "pid=$pid," | grep -o '127.0.0.1\]*:[0-9]*' | grep -o '[0-9]*$'); do
  if [ "$(curl -s -m2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/download?bytes=1")" = 200 ]; then app=$p; fi
done
head -c 100000000 /dev/zero >"$work/up.bin"

cpu() { awk '{print $14+$15}' "/proc/$pid/stat"; }   # user+sys clock ticks of the demo JVM
ctxsw() { cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n}'; }
tick=$(getconf CLK_TCK)
run() { # label bytes curl-args...
  local label=$1 bytes=$2; shift 2
  local c0 c1 x0 x1 speed
  c0=$(cpu); x0=$(ctxsw); speed=$(curl -s -m120 -o /dev/null "$@"); c1=$(cpu); x1=$(ctxsw)
  awk -v l="$label" -v s="$speed" -v c=$((c1 - c0)) -v t="$tick" -v b="$bytes" -v x=$((x1 - x0)) \
    'BEGIN {printf "%-28s %8.0f MB/s  %5.2f CPU s/GB  %6.1f ctxsw/MB\n", l, s/1e6, (c/t)/(b/1e9), x/(b/1e6)}'
}
echo "round  path                          throughput   demo JVM CPU    switches"
for r in $(seq 1 "$rounds"); do
  echo "-- round $r"
  [ -n "$app" ] && run "direct download" 500000000 -w '%{speed_download}' "http://127.0.0.1:$app/download?bytes=500000000"
  run "portcullis download" 500000000 -w '%{speed_download}' -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$proxy/s/demo/web/download?bytes=500000000"
  [ -n "$app" ] && run "direct upload" 100000000 -w '%{speed_upload}' -H 'Expect:' --data-binary @"$work/up.bin" "http://127.0.0.1:$app/upload"
  run "portcullis upload" 100000000 -w '%{speed_upload}' -H "Authorization: Bearer $token" --data-binary @"$work/up.bin" \
    "http://127.0.0.1:$proxy/s/demo/web/upload"
done
