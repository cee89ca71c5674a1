#!/usr/bin/env bash
# Where the server core's time goes under one workload, split by process (app, proxy, agent), by kind of code (kernel,
# JIT-compiled Java, the JVM, native libraries such as BoringSSL) and by symbol, with `perf record` on the server CPU.
# The setup is the side-by-side's: sample app, `portcullis proxy` and `portcullis agent` as separate processes pinned to
# CPU 1 (the tunnel over TLS), the load generator on CPU 0.
#
#   loadtests/bench/perf-split.sh [small|ws] [SECONDS] [WARMUP]
#
# small: wrk -t1 -c64 on the app's page; ws: WebSocket echo, 100 sockets, 64-byte messages. SECONDS (default 10) are
# recorded after WARMUP (default 60) seconds of the same load. Needs perf and 2+ CPUs; loopback only; every process it
# starts is stopped by PID. Prints the rate the load tool saw, then the tables.
set -euo pipefail
workload=${1:-small}
seconds=${2:-10}
warmup=${3:-60}
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work=$(mktemp -d)
# shellcheck source=bench-lib.sh
source "$here/bench-lib.sh"
trap stop_all EXIT
command -v perf >/dev/null || die "perf is not installed"
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:--Xms256m -Xmx1g -XX:+PreserveFramePointer}
AGENT_JAVA_OPTS=${AGENT_JAVA_OPTS:--Xms64m -Xmx256m -XX:+PreserveFramePointer}
APP_JAVA_OPTS=${APP_JAVA_OPTS:--Xmx1g -XX:+PreserveFramePointer}
case "$workload" in small | ws) ;; *) die "unknown workload $workload (small or ws)" ;; esac
start_split_setup
load() { "load_$workload" "$1"; }
log "warm-up $warmup s"
load "$warmup" >/dev/null
log "recording $seconds s"
perf record -q -C 1 -g -o "$work/perf.data" -- sleep "$((seconds + 1))" 2>"$work/perf.err" &
perf_pid=$!
sleep 0.5
load "$seconds" | grep -E 'Requests/sec|^ +99%|^echo ' || true
wait "$perf_pid" || true
[ -s "$work/perf.data" ] || die "perf record failed: $(cat "$work/perf.err")"
for p in "$app_pid" "$proxy_pid" "$agent_pid"; do jcmd "$p" Compiler.perfmap >/dev/null 2>&1 || true; done

name_of() { case $1 in "$app_pid") echo app ;; "$proxy_pid") echo proxy ;; "$agent_pid") echo agent ;; 0) echo idle ;; *) echo "other $1" ;; esac; }
echo "-- by process and thread (share of CPU 1's samples)"
# perf script prints "COMM PID"; a thread name may hold spaces ("C2 CompilerThre").
{ perf script -i "$work/perf.data" -F comm,pid 2>/dev/null || true; } |
  awk '{ pid = $NF; $NF = ""; sub(/ +$/, ""); n++; c[pid "\t" $0]++ } END { for (k in c) printf "%6.2f%%\t%s\n", 100 * c[k] / n, k }' |
  sort -rn | head -12 | while IFS=$'\t' read -r pct p comm; do printf '%8s  %-6s %s\n' "$pct" "$(name_of "$p")" "$comm"; done || true
for p in "$proxy_pid" "$agent_pid" "$app_pid"; do
  echo
  echo "-- $(name_of "$p"): by object ([JIT] is compiled Java; [kernel.kallsyms] the kernel)"
  perf report -i "$work/perf.data" --pid "$p" --no-children --stdio --sort dso 2>/dev/null | grep -E '^ +[0-9]' | head -6 || true
  echo "-- $(name_of "$p"): top symbols, self"
  perf report -i "$work/perf.data" --pid "$p" --no-children --stdio --sort sym 2>/dev/null | grep -E '^ +[0-9]' |
    cut -c1-150 | head -"${TOP:-25}" || true
done
echo
echo "perf data: $work/perf.data (perf report -i ... --pid PID)"
trap - EXIT
stop_all
