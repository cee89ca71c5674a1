#!/usr/bin/env bash
# A/B rounds of one workload against two builds of the demo (proxy + agent + sample app in one JVM, TLS tunnel), e.g.
# a commit before a change and one after it, each in its own worktree.
#
#   loadtests/bench/ab.sh [--warm SECONDS] DIR_A DIR_B [ROUNDS] [small|big|ws] [SECONDS]
#
#   DIR_A, DIR_B  worktrees with a built proxy-core/target/portcullis.jar (`./portcullis build` in each)
#   ROUNDS        rounds of A then B (default 3); SECONDS: each measured run (default 10)
#   small         wrk -t1 -c64, the app's page; big: wrk -t1 -c8, 1 MiB GETs; ws: WebSocket echo, 100 sockets, 64 B
#                 (set WSLOAD_CP to the loadtests module's classpath:
#                 "loadtests/target/classes:$(cat loadtests/target/classpath.txt)")
#   --warm S      interleaved: both demos start once and each serves the workload for S seconds unmeasured (the JIT
#                 needs 60-90 s on one core), then the measured runs alternate A, B, A, B on the same warm JVMs. Without
#                 it, every run gets a fresh demo and 10 s of warm-up (cold JITs: use only for big differences).
#
# Prints one line per run with the demo's CPU time per request or message during the measured run (user + sys from
# /proc/PID/stat): steadier than rates on a shared machine. Quote medians. With 2+ CPUs the demos run on CPU 1 and the
# load generator on CPU 0. Loopback only; every demo it starts is stopped by PID.
# PORTCULLIS_JAVA_OPTS goes to both demos; AB_JAVA_OPTS_A and AB_JAVA_OPTS_B to one each (to compare JVM flags, give
# the same DIR twice).
set -euo pipefail
usage="usage: ab.sh [--warm SECONDS] DIR_A DIR_B [ROUNDS] [small|big|ws] [SECONDS]"
warm=0
if [ "${1:-}" = --warm ]; then
  warm=${2:?$usage}
  shift 2
fi
dir_a=${1:?$usage}
dir_b=${2:?$usage}
rounds=${3:-3}
workload=${4:-small}
seconds=${5:-10}
work=$(mktemp -d)
declare -A pid=() token=() proxy=()
trap 'for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
server_pin="" gen_pin=""
if [ "$(nproc)" -ge 2 ]; then
  server_pin="taskset -c 1" gen_pin="taskset -c 0"
fi

start_built_demo() { # side (A or B), dir: like demo.sh's start_demo, but runs the jar as built (no rebuild)
  local side=$1 out="$work/$1.out"
  local opts_var="AB_JAVA_OPTS_$side"
  $server_pin java ${PORTCULLIS_JAVA_OPTS:-} ${!opts_var:-} -jar "$2/proxy-core/target/portcullis.jar" demo --port 0 \
    >"$out" 2>"$work/$side.err" &
  pid[$side]=$!
  for _ in $(seq 1 240); do grep -q "Press Ctrl-C" "$out" && break; sleep 0.5; done
  grep -q "Press Ctrl-C" "$out" || { echo "demo $side did not start; see $work/$side.err" >&2; exit 1; }
  token[$side]=$(grep -o 'TOKEN=[^ ]*' "$out" | cut -d= -f2)
  proxy[$side]=$(grep -o 'proxy /127.0.0.1:[0-9]*' "$out" | grep -o '[0-9]*$')
}

stop_demo() { # side
  kill -TERM "${pid[$1]}"
  wait "${pid[$1]}" 2>/dev/null || true
  unset "pid[$1]"
}

load() { # side seconds
  local base="http://127.0.0.1:${proxy[$1]}/s/demo/web" auth="Authorization: Bearer ${token[$1]}"
  case "$workload" in
    small) $gen_pin wrk -t1 -c64 -d"$2"s -H "$auth" --latency "$base/" ;;
    big) $gen_pin wrk -t1 -c8 -d"$2"s -H "$auth" --latency "$base/download?bytes=1048576" ;;
    ws) $gen_pin java -cp "${WSLOAD_CP:?set WSLOAD_CP}" dev.portcullis.loadtests.ws.WsLoad echo \
      --url "ws://127.0.0.1:${proxy[$1]}/s/demo/web/ws" --token "${token[$1]}" --sockets 100 --size 64 \
      --warmup-seconds 0 --seconds "$2" ;;
    *) echo "unknown workload $workload" >&2; exit 2 ;;
  esac
}

measure() { # round side
  local cpu0 cpu out reqs summary
  cpu0=$(awk '{print $14 + $15}' "/proc/${pid[$2]}/stat")
  out=$(load "$2" "$seconds")
  cpu=$(( $(awk '{print $14 + $15}' "/proc/${pid[$2]}/stat") - cpu0 ))
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  reqs=${reqs:-$(echo "$out" | sed -n 's/^echo .*\bmsgs=\([0-9]*\).*/\1/p')}
  summary=$(echo "$out" | awk '/Requests\/sec|Transfer\/sec|^echo |^ +50%|^ +99%|Non-2xx|Socket errors/ {printf "%s; ", $0}' | tr -s ' ')
  echo "round $1 $2: $summary demo CPU $((cpu * 10)) ms${reqs:+, $(awk -v c="$cpu" -v r="$reqs" 'BEGIN {printf "%.0f", c * 10000000 / r}') ns/request}, load $(cut -d' ' -f1 /proc/loadavg)"
}

if [ "$warm" -gt 0 ]; then
  start_built_demo A "$dir_a"
  start_built_demo B "$dir_b"
  for side in A B; do load "$side" "$warm" >/dev/null; done
  for r in $(seq 1 "$rounds"); do
    for side in A B; do measure "$r" "$side"; done
  done
else
  for r in $(seq 1 "$rounds"); do
    for side in A B; do
      start_built_demo "$side" "$([ $side = A ] && echo "$dir_a" || echo "$dir_b")"
      load "$side" 10 >/dev/null
      measure "$r" "$side"
      stop_demo "$side"
    done
  done
fi
