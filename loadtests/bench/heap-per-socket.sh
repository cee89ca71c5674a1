#!/usr/bin/env bash
# What one held WebSocket costs Portcullis, object by object: opens FROM WebSockets through a proxy and an agent
# (separate processes, tunnel over TLS, as side-by-side.sh runs them), takes a class histogram of the live heap of
# both (jcmd GC.class_histogram, which collects first), opens more up to TO, takes them again, and prints the live
# heap and the RSS per added socket, and the classes that grew most per socket.
#
#   loadtests/bench/heap-per-socket.sh [FROM] [TO] [TOP]     (defaults 1000 10000 12)
#
# Needs: JDK 17 (jcmd), Maven, openssl, taskset, ss, curl. Loopback only; every process it starts is stopped by PID.
set -euo pipefail
export LC_ALL=C # sort and join must agree on the order
from=${1:-1000}
to=${2:-10000}
top=${3:-12}
[ "$to" -gt "$from" ] || { echo "heap-per-socket: TO ($to) must be above FROM ($from)" >&2; exit 2; }
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/loadtests/bench"
work=$(mktemp -d /tmp/heap-per-socket.XXXXXX)
# shellcheck source=bench-lib.sh
. "$here/bench-lib.sh"
trap 'stop_all; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
server_pin="" gen_pin=""
if [ "$(nproc)" -ge 2 ]; then
  server_pin="taskset -c 1" gen_pin="taskset -c 0"
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -gt $((to + 500)) ] || die "ulimit -n is $(ulimit -n): too low to hold $to WebSockets"
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:--Xms256m -Xmx1g}   # as in configs/portcullis-proxy.service
AGENT_JAVA_OPTS=${AGENT_JAVA_OPTS:--Xms64m -Xmx256m}  # as in configs/portcullis-agent.service
APP_JAVA_OPTS=${APP_JAVA_OPTS:--Xmx1g}

build_bench
start_app
start_portcullis
log "up: app :$app_port, proxy :$proxy_port (pid $proxy_pid), agent pid $agent_pid"

# Opens N more WebSockets and holds them (in the background, stopped with the rest); returns once they are open.
open_more() { # n label
  $gen_pin java -cp "$wscp" dev.portcullis.loadtests.ws.WsLoad open --url "ws://127.0.0.1:$proxy_port/s/bench/web/ws" \
    --token-file "$work/access.token" --checkpoints "$1" --concurrency 100 --settle-ms 2000 --hold-seconds 3600 \
    >"$work/open-$2.out" 2>&1 &
  echo $! >>"$work/pids"
  wait_for_line "$work/open-$2.out" "^open checkpoint=$1 " 600
  grep -q "failed=0" "$work/open-$2.out" || die "some WebSockets did not open: $(grep '^open\|first failure' "$work/open-$2.out")"
}

# "class instances bytes" per line, for the live heap of PID.
histogram() { # pid out
  # Summed by name: a class loaded by two loaders is listed twice.
  jcmd "$1" GC.class_histogram | awk '$1 ~ /^[0-9]+:$/ { i[$4] += $2; b[$4] += $3 } $1 == "Total" { i["TOTAL"] = $2; b["TOTAL"] = $3 }
    END { for (c in i) print c, i[c], b[c] }' >"$2"
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

open_more "$from" a
for p in proxy agent; do
  pid_var="${p}_pid"
  histogram "${!pid_var}" "$work/$p-a.hist"
  rss_kib "${!pid_var}" >"$work/$p-a.rss"
done
open_more $((to - from)) b
for p in proxy agent; do
  pid_var="${p}_pid"
  histogram "${!pid_var}" "$work/$p-b.hist"
  rss_kib "${!pid_var}" >"$work/$p-b.rss"
done

n=$((to - from))
echo "Per added WebSocket, $from -> $to held through one proxy and one agent (commit $(git -C "$root" rev-parse --short HEAD)):"
for p in proxy agent; do
  heap=$(join <(sort "$work/$p-a.hist") <(sort "$work/$p-b.hist") | awk -v n="$n" '$1 == "TOTAL" { printf "%.0f", ($5 - $3) / n }')
  rss=$(awk -v a="$(cat "$work/$p-a.rss")" -v b="$(cat "$work/$p-b.rss")" -v n="$n" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
  echo "  $p: live heap $heap bytes, RSS $rss bytes"
done
for p in proxy agent; do
  echo "$p, classes by live bytes added per WebSocket (instances per socket, bytes per socket):"
  # Classes present at both points, plus those only at TO (counted from zero).
  join -a 2 -e 0 -o 0,1.2,1.3,2.2,2.3 <(sort "$work/$p-a.hist") <(sort "$work/$p-b.hist") |
    awk -v n="$n" '$1 != "TOTAL" { d = ($5 - $3) / n; if (d >= 1) printf "%10.1f %6.2f  %s\n", d, ($4 - $2) / n, $1 }' |
    sort -rn | awk -v top="$top" 'NR <= top'
done
