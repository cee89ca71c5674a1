#!/usr/bin/env bash
# Profiles the demo (proxy + agent + sample app in one JVM) with JDK Flight Recorder under one workload and prints
# where the samples land: by thread, by top frame (self time), and by first Portcullis/Netty/Undertow/JDK frame.
# Usage: loadtests/bench/profile.sh WORKLOAD [SECONDS] [OUT.jfr]
#   WORKLOAD: download (500 MB curl GETs), upload (100 MB curl POSTs), small (wrk, 64 connections, the app's page),
#             big (wrk, 8 connections, 1 MiB GETs), ws (WebSocket echo, 100 sockets, 64-byte messages, with the
#             loadtests module's WsLoad: set WSLOAD_CP to its classpath). SECONDS (default 20) of measured load follow 10 s of warm-up that
#             the recording also covers (JFR starts with the JVM, so the JIT is never deoptimised by a late start).
# Loopback only; starts its own demo on a free port and stops it (by PID) when done.
set -euo pipefail
workload=${1:?usage: profile.sh download|upload|small|big [SECONDS] [OUT.jfr]}
seconds=${2:-20}
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
out=${3:-$work/$workload.jfr}
trap 'kill "$pid" 2>/dev/null || true' EXIT

source "$root/loadtests/bench/demo.sh"
PORTCULLIS_JAVA_OPTS="-XX:StartFlightRecording=settings=profile,filename=$out,dumponexit=true ${PORTCULLIS_JAVA_OPTS:-}" start_demo
base="http://127.0.0.1:$proxy/s/demo/web"
auth="Authorization: Bearer $token"

load() { # seconds
  local end=$((SECONDS + $1))
  case "$workload" in
    download) while [ $SECONDS -lt $end ]; do curl -s -o /dev/null -H "$auth" "$base/download?bytes=500000000"; done ;;
    upload) head -c 100000000 /dev/zero >"$work/up.bin"
      while [ $SECONDS -lt $end ]; do curl -s -o /dev/null -H "$auth" --data-binary @"$work/up.bin" "$base/upload"; done ;;
    small) wrk -t1 -c64 -d"$1"s -H "$auth" --latency "$base/" ;;
    big) wrk -t1 -c8 -d"$1"s -H "$auth" --latency "$base/download?bytes=1048576" ;;
    ws) java -cp "${WSLOAD_CP:?set WSLOAD_CP to the classpath of the loadtests module (WsLoad)}" \
      dev.portcullis.loadtests.ws.WsLoad echo --url "ws://127.0.0.1:$proxy/s/demo/web/ws" --token "$token" \
      --sockets 100 --size 64 --warmup-seconds 0 --seconds "$1" ;;
    *) echo "unknown workload $workload" >&2; exit 2 ;;
  esac
}
load 10 >/dev/null
load "$seconds"
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
echo "recording: $out"

jfr print --stack-depth 64 --events jdk.ExecutionSample "$out" | awk '
  /sampledThread = / { t = $0; sub(/.*sampledThread = "/, "", t); sub(/".*/, "", t); gsub(/[0-9]+/, "N", t); n++; th[t]++; top = ""; first = "" }
  /line: / && top == "" { f = $1; top = f; self[f]++ }
  /line: / && first == "" && $1 ~ /^(dev\.portcullis|io\.netty|io\.undertow|org\.xnio)/ { first = $1; firstp[first]++ }
  END {
    printf "%d execution samples\n\n-- by thread\n", n
    for (k in th) printf "%6.1f%%  %s\n", 100 * th[k] / n, k | "sort -rn | head -12"; close("sort -rn | head -12")
    printf "\n-- top frame (self)\n"
    for (k in self) printf "%6.1f%%  %s\n", 100 * self[k] / n, k | "sort -rn | head -30"; close("sort -rn | head -30")
    printf "\n-- first Portcullis/Netty/Undertow/XNIO frame on the stack (where the cost is incurred)\n"
    for (k in firstp) printf "%6.1f%%  %s\n", 100 * firstp[k] / n, k | "sort -rn | head -25"; close("sort -rn | head -25")
  }'
