#!/usr/bin/env bash
# Alternating A/B rounds of one workload against two builds of the demo (proxy + agent + sample app in one JVM),
# e.g. main's worktree and a branch's: A, B, A, B, ... each on a fresh demo, 10 s of warm-up, then the measured run.
# Usage: loadtests/bench/ab.sh DIR_A DIR_B [ROUNDS] [small|big|ws] [SECONDS]
#   DIR_A, DIR_B: worktrees with a built proxy-core/target/portcullis.jar (`./portcullis build` in each).
#   small: wrk -t1 -c64, the app's page; big: wrk -t1 -c8, 1 MiB GETs; ws: WebSocket echo, 100 sockets, 64 B
#   (set WSLOAD_CP to the loadtests module's classpath). Prints one summary line per round (with the demo's CPU
#   time during the measured run per request: steadier than rates on a shared machine); quote medians.
# Loopback only; every demo it starts is stopped by PID.
set -euo pipefail
dir_a=${1:?usage: ab.sh DIR_A DIR_B [ROUNDS] [small|big|ws] [SECONDS]}
dir_b=${2:?usage: ab.sh DIR_A DIR_B [ROUNDS] [small|big|ws] [SECONDS]}
rounds=${3:-3}
workload=${4:-small}
seconds=${5:-10}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT

start_built_demo() { # dir: like demo.sh's start_demo, but runs the jar as built (no rebuild between rounds)
  java ${PORTCULLIS_JAVA_OPTS:-} -jar "$1/proxy-core/target/portcullis.jar" demo --port 0 >"$work/demo.out" 2>"$work/demo.err" &
  pid=$!
  for _ in $(seq 1 240); do grep -q "Press Ctrl-C" "$work/demo.out" && break; sleep 0.5; done
  grep -q "Press Ctrl-C" "$work/demo.out" || { echo "demo did not start; see $work/demo.err" >&2; exit 1; }
  token=$(grep -o 'TOKEN=[^ ]*' "$work/demo.out" | cut -d= -f2)
  proxy=$(grep -o 'proxy /127.0.0.1:[0-9]*' "$work/demo.out" | grep -o '[0-9]*$')
}

load() { # seconds
  local base="http://127.0.0.1:$proxy/s/demo/web" auth="Authorization: Bearer $token"
  case "$workload" in
    small) wrk -t1 -c64 -d"$1"s -H "$auth" --latency "$base/" ;;
    big) wrk -t1 -c8 -d"$1"s -H "$auth" --latency "$base/download?bytes=1048576" ;;
    ws) java -cp "${WSLOAD_CP:?set WSLOAD_CP}" dev.portcullis.loadtests.ws.WsLoad echo \
      --url "ws://127.0.0.1:$proxy/s/demo/web/ws" --token "$token" --sockets 100 --size 64 --warmup-seconds 0 --seconds "$1" ;;
    *) echo "unknown workload $workload" >&2; exit 2 ;;
  esac
}

for r in $(seq 1 "$rounds"); do
  for side in A B; do
    root=$([ $side = A ] && echo "$dir_a" || echo "$dir_b")
    start_built_demo "$root"
    load 10 >/dev/null
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    out=$(load "$seconds")
    cpu=$(( $(awk '{print $14 + $15}' "/proc/$pid/stat") - cpu0 ))
    reqs=$(echo "$out" | awk '/requests in/ {print $1} /msgs total/ {print $1}')
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    summary=$(echo "$out" | awk '/Requests\/sec|Transfer\/sec|msgs\/s|^ +50%|^ +99%|Non-2xx|Socket errors/ {printf "%s; ", $0}' | tr -s ' ')
    echo "round $r $side: $summary demo CPU $((cpu * 10)) ms${reqs:+, $(awk -v c="$cpu" -v r="$reqs" 'BEGIN {printf "%.0f", c * 10000000 / r}') ns/request}, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
