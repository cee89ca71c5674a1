#!/usr/bin/env bash
# CPU time per request (or per echoed message) of every busy thread of the app, the proxy and the agent, read from
# /proc/PID/task/TID/stat before and after one measured run: no profiler, so no sampling overhead and exact totals.
# The setup is the side-by-side's: sample app, `portcullis proxy` and `portcullis agent` as separate processes pinned to
# CPU 1 (the tunnel over TLS), the load generator on CPU 0. Use it to see which process and thread a change made
# cheaper; perf-split.sh says which code inside them.
#
#   loadtests/bench/cpu-split.sh [small|ws] [SECONDS] [WARMUP]
#
# small: wrk -t1 -c64 on the app's page; ws: WebSocket echo, 100 sockets, 64-byte messages. SECONDS (default 15) are
# measured after WARMUP (default 180) seconds of unmeasured load, small GETs and WebSocket echo interleaved in three
# cycles (see side-by-side.sh: a JIT warmed on one workload only recompiles when the other comes). Needs 2+ CPUs;
# loopback only; every process it starts is stopped by PID. Prints the rate the load tool saw, then one line per thread
# name (threads of one name summed) and one per process, in microseconds of CPU (user + system) per request.
set -euo pipefail
workload=${1:-small}
seconds=${2:-15}
warmup=${3:-180}
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work=$(mktemp -d)
# shellcheck source=bench-lib.sh
source "$here/bench-lib.sh"
trap stop_all EXIT
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:--Xms256m -Xmx1g}
AGENT_JAVA_OPTS=${AGENT_JAVA_OPTS:--Xms64m -Xmx256m}
APP_JAVA_OPTS=${APP_JAVA_OPTS:--Xmx1g}
case "$workload" in small | ws) ;; *) die "unknown workload $workload (small or ws)" ;; esac
start_split_setup

slice=$((warmup / 6))
log "warm-up ${warmup} s (small GETs and WebSocket echo, three cycles)"
for _ in 1 2 3; do
  load_small "$slice" >/dev/null
  load_ws "$slice" >/dev/null
done

# "PID<TAB>thread name<TAB>clock ticks (utime + stime)" for every thread of the three processes.
ticks() {
  local p t
  for p in "$app_pid" "$proxy_pid" "$agent_pid"; do
    for t in /proc/"$p"/task/*; do
      printf '%s\t%s\t%s\n' "$p" "$(cat "$t/comm")" "$(cpu_ticks "$p/task/${t##*/}")"
    done 2>/dev/null || true
  done
}
ticks >"$work/ticks.0"
log "measuring $seconds s of $workload"
"load_$workload" "$seconds" >"$work/load.out"
ticks >"$work/ticks.1"

if [ "$workload" = small ]; then
  grep -E 'Requests/sec|^ +99%' "$work/load.out" || true
  count=$(awk '/requests in/ { print $1 }' "$work/load.out")
  unit=request
else
  grep '^echo ' "$work/load.out" || true
  count=$(field msgs <"$work/load.out")
  unit=message
fi
[ -n "$count" ] && [ "$count" -gt 0 ] || die "the load tool reported no $unit: $(tail -5 "$work/load.out")"
hz=$(getconf CLK_TCK)
echo "-- CPU per $unit ($count in $seconds s), by thread name (threads of one name summed), then by process"
awk -F'\t' -v n="$count" -v hz="$hz" -v app="$app_pid" -v proxy="$proxy_pid" -v agent="$agent_pid" '
  FNR == NR { before[$1 FS $2] += $3; next }
  { after[$1 FS $2] += $3 }
  END {
    name[app] = "app"; name[proxy] = "proxy"; name[agent] = "agent"
    for (k in after) {
      d = after[k] - before[k]
      if (d <= 0) continue
      split(k, f, FS)
      us = d * 1e6 / hz / n
      printf "1\t%8.1f us  %-6s %s\n", us, name[f[1]], f[2]
      total[f[1]] += us
    }
    for (p in total) printf "2\t%8.1f us  %-6s (whole process)\n", total[p], name[p]
  }' "$work/ticks.0" "$work/ticks.1" | sort -t$'\t' -k1,1n -k2,2rn | cut -f2
trap - EXIT
stop_all
