#!/usr/bin/env bash
# Side-by-side benchmark: the sample app measured direct, through nginx (a plain reverse proxy) and through
# Portcullis (proxy + agent, tunnel over TLS, in-memory registry), in alternating rounds, on this machine.
#
#   loadtests/bench/side-by-side.sh [--rounds N] [--seconds S] [--warmup S] [--hold N] [--quick] [--no-write]
#
#   --rounds N    rounds (default 3); the order of the three targets rotates every round; medians are reported
#   --warmup S    before round 1, every target serves the three throughput workloads, interleaved in three cycles,
#                 for S seconds in all, unmeasured (default 180; nginx, which has no JIT, at most 27 s): the JVMs (app,
#                 proxy, agent) compile their hot paths; sharing one CPU, their compilers were still busy 100 s into
#                 a single workload
#   --seconds S   length of each wrk / echo measurement (default 10)
#   --hold N      WebSockets held open for the memory figures (default 10000; capped by ulimit -n)
#   --quick       1 round, 3 s, 2000 sockets, and BENCHMARKS.md is left alone (a smoke run)
#   --no-write    print the section instead of writing it into BENCHMARKS.md
#   KEEP_WORK=1   keep the temporary directory (configs, logs, raw results) for a look afterwards
#
# Needs: JDK 17, Maven, nginx (Debian's nginx-light), wrk, openssl, taskset, ss, curl. Loopback only; every process
# it starts is stopped by PID at exit. With 2+ CPUs the servers run on CPUs 1.. and the load generators on CPU 0.
set -euo pipefail
command_line="loadtests/bench/side-by-side.sh${*:+ $*}"
rounds=3 seconds=10 hold=10000 write=1 warmup=180
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --quick) rounds=1 seconds=3 hold=2000 write=0 warmup=18; shift ;;
    --no-write) write=0; shift ;;
    *) echo "side-by-side: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/loadtests/bench"
work=$(mktemp -d /tmp/side-by-side.XXXXXX)
chmod 755 "$work"
# shellcheck source=bench-lib.sh
. "$here/bench-lib.sh"
trap 'stop_all; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
for tool in java mvn nginx wrk openssl taskset ss curl; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# --- CPUs, file descriptors -----------------------------------------------------------------------------------------
cpus=$(nproc)
if [ "$cpus" -ge 2 ]; then
  servers=1; [ "$cpus" -gt 2 ] && servers="1-$((cpus - 1))"
  server_pin="taskset -c $servers"
  gen_pin="taskset -c 0"
  pinning="servers (app, nginx, proxy, agent) pinned to CPU $servers, load generators (wrk, the WebSocket tool) to CPU 0"
else
  server_pin="" gen_pin=""
  pinning="not pinned (1 CPU)"
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fds=$(ulimit -n)
if [ "$hold" -gt $((fds - 500)) ]; then
  log "ulimit -n is $fds: holding $((fds - 500)) WebSockets instead of $hold"
  hold=$((fds - 500))
fi
[ "$hold" -gt 1000 ] || die "--hold must be above 1000 (the first checkpoint)"

# --- build, the sample app ------------------------------------------------------------------------------------------
build_bench
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:--Xms256m -Xmx1g}   # as in configs/portcullis-proxy.service
AGENT_JAVA_OPTS=${AGENT_JAVA_OPTS:--Xms64m -Xmx256m}  # as in configs/portcullis-agent.service
APP_JAVA_OPTS=${APP_JAVA_OPTS:--Xmx1g}
start_app

# --- nginx: a plain reverse proxy, keepalive upstream, WebSocket upgrade headers ------------------------------------
nginx_port=$(free_port)
mkdir -p "$work/nginx/tmp"
chmod 777 "$work/nginx/tmp"
# One worker per server CPU, but enough workers that each stays under the open-files limit with $hold held sockets
# (two descriptors each: client and upstream); reuseport spreads connections over the workers.
nginx_workers=$((cpus > 1 ? cpus - 1 : 1))
need=$(((2 * hold + 200 + fds - 1) / fds))
[ "$need" -gt "$nginx_workers" ] && nginx_workers=$need
sed -e "s#@WORK@#$work/nginx#g" -e "s#@PORT@#$nginx_port#g" -e "s#@APP@#$app_port#g" \
  -e "s#@WORKERS@#$nginx_workers#g" -e "s#@CONNECTIONS@#$((fds - 100))#g" \
  "$here/nginx.conf.template" >"$work/nginx/nginx.conf"
nginx_pid=$(start_server nginx nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf")
wait_for_200 "http://127.0.0.1:$nginx_port/s/bench/web/" 30

# --- Portcullis: proxy and agent, tunnel over TLS (bench-lib.sh) -------------------------------------------------------
start_portcullis
log "up: app :$app_port (pid $app_pid), nginx :$nginx_port (pid $nginx_pid), proxy :$proxy_port (pid $proxy_pid), agent pid $agent_pid"

url() { case $1 in direct) echo "http://127.0.0.1:$app_port" ;; nginx) echo "http://127.0.0.1:$nginx_port" ;; portcullis) echo "http://127.0.0.1:$proxy_port" ;; esac; }
auth() { [ "$1" = portcullis ] && printf '%s\n' -H "Authorization: Bearer $token" || true; }
rss_pids() {
  case $1 in
    direct) echo "$app_pid" ;;
    nginx) echo "$nginx_pid,$(pgrep -P "$nginx_pid" | paste -sd, -)" ;;
    portcullis) echo "$proxy_pid,$agent_pid" ;;
  esac
}
# After the hold, the held sockets close everywhere at once: the app (shared by all three targets) and a proxy in front
# of it tear down ten thousand connections each. Measuring the next target before that is over measured the teardown
# (a run had nginx at 1.9k small GETs with 44 timeouts right after Portcullis's hold, and Portcullis at 0.4k after
# nginx's). So wait, at most 120 s, until the app and the target hold fewer than 200 connections (any state but
# LISTEN and TIME-WAIT), then 3 s more.
settle() {
  local t=$1 port deadline=$((SECONDS + 120)) n
  port=$(url "$t"); port=${port##*:}
  while [ $SECONDS -lt $deadline ]; do
    n=$(ss -tanH "( sport = :$app_port or sport = :$port )" 2>/dev/null | { grep -vcE '^(LISTEN|TIME-WAIT)' || true; })
    [ "$n" -lt 200 ] && break
    sleep 1
  done
  [ "$n" -lt 200 ] || log "$t: $n connections still open 120 s after the hold"
  sleep 3
}
# The PIDs whose CPU time a target's CPU figures count: "all" its server processes (the app included), or only the
# "layer" in front of the app (none for direct).
cpu_pids() {
  local layer=""
  case $1 in
    nginx) layer="$nginx_pid $(pgrep -P "$nginx_pid" | paste -sd' ' -)" ;;
    portcullis) layer="$proxy_pid $agent_pid" ;;
  esac
  if [ "$2" = all ]; then echo "$layer $app_pid"; else echo "$layer"; fi
}
# Microseconds of CPU per unit: TICKS clock ticks over COUNT requests or messages (nothing if COUNT is missing).
per_unit() { awk -v d="$1" -v n="$2" -v hz="$hz" 'BEGIN { if (n + 0 > 0) printf "%.1f", d * 1e6 / hz / n }'; }
hz=$(getconf CLK_TCK)
wsload() { timeout 900 $gen_pin java -Xmx2g -cp "$wscp" dev.portcullis.loadtests.ws.WsLoad "$@"; }
result() { echo "$1 $2 $3 $4" >>"$work/results"; }

start_load=$(cut -d' ' -f1-3 /proc/loadavg)
run_date=$(date -u +%Y-%m-%dT%H:%MZ)
bench_commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
bench_dirty=$(git -C "$root" status --porcelain 2>/dev/null | grep -qv '^??' && echo " (with uncommitted changes)" || true)
log "rounds=$rounds seconds=$seconds warmup=$warmup hold=$hold; $pinning; load average $start_load"
targets=(direct nginx portcullis)
# Warm-up, unmeasured: the same three throughput workloads on every target, interleaved in three cycles. Run one
# after another, the JITs compiled for the last workload: the first small-GET run after a WebSocket phase spent 3 of
# its 8 s recompiling in proxy and agent (2.7k req/s, against 8.5k two runs later). nginx has no JIT to warm and the
# app behind it is warmed through the direct target, so it gets at most 10 s per workload (enough to open its
# upstream keep-alive connections).
if [ "$((warmup / 9))" -gt 0 ]; then
  for t in "${targets[@]}"; do
    slice=$((warmup / 9)) # per workload and cycle
    [ "$t" = nginx ] && [ "$slice" -gt 3 ] && slice=3
    base=$(url "$t")
    mapfile -t hdr < <(auth "$t")
    tok=(); [ "$t" = portcullis ] && tok=(--token-file "$work/access.token")
    log "warm-up: $t ($((slice * 9)) s)"
    for _ in 1 2 3; do
      timeout $((slice + 30)) $gen_pin wrk -t1 -c64 -d"${slice}s" "${hdr[@]}" "$base/s/bench/web/" >/dev/null 2>&1 || true
      timeout $((slice + 30)) $gen_pin wrk -t1 -c8 -d"${slice}s" "${hdr[@]}" "$base/s/bench/web/download?bytes=1048576" >/dev/null 2>&1 || true
      wsload echo --url "ws://${base#http://}/s/bench/web/ws" "${tok[@]}" --sockets 100 --seconds "$slice" --warmup-seconds 0 >/dev/null 2>&1 || true
    done
  done
fi
for r in $(seq 1 "$rounds"); do
  order=("${targets[@]:$(((r - 1) % 3))}" "${targets[@]:0:$(((r - 1) % 3))}")
  log "round $r: ${order[*]}"
  for t in "${order[@]}"; do
    base=$(url "$t")
    mapfile -t hdr < <(auth "$t")
    # small GET: the app's page (about 1 KB), 64 connections
    # shellcheck disable=SC2046 # PID lists are words
    all0=$(cpu_ticks $(cpu_pids "$t" all)) layer0=$(cpu_ticks $(cpu_pids "$t" layer))
    timeout $((seconds + 30)) $gen_pin wrk -t1 -c64 -d"${seconds}s" --latency "${hdr[@]}" "$base/s/bench/web/" >"$work/wrk.out" 2>&1 || true
    # shellcheck disable=SC2046
    all1=$(cpu_ticks $(cpu_pids "$t" all)) layer1=$(cpu_ticks $(cpu_pids "$t" layer))
    read -r rps p50 p99 errs <<<"$(parse_wrk "$work/wrk.out")"
    result "$r" "$t" get_rps "$rps"; result "$r" "$t" get_p50_ms "$p50"; result "$r" "$t" get_p99_ms "$p99"
    result "$r" "$t" get_errors "$errs"
    n=$(awk '/requests in/ { print $1 }' "$work/wrk.out")
    result "$r" "$t" get_cpu_us "$(per_unit $((all1 - all0)) "$n")"
    [ "$t" = direct ] || result "$r" "$t" get_layer_cpu_us "$(per_unit $((layer1 - layer0)) "$n")"
    # 1 MiB GET: MB/s (10^6 bytes) of body
    timeout $((seconds + 30)) $gen_pin wrk -t1 -c8 -d"${seconds}s" "${hdr[@]}" "$base/s/bench/web/download?bytes=1048576" >"$work/wrk.out" 2>&1 || true
    read -r rps _ _ errs <<<"$(parse_wrk "$work/wrk.out")"
    result "$r" "$t" mib_mbps "$(awk -v r="$rps" 'BEGIN { printf "%.0f", r * 1.048576 }')"
    result "$r" "$t" mib_errors "$errs"
    # WebSocket echo: 100 sockets, one 64-byte message in flight each
    wsurl="ws://${base#http://}/s/bench/web/ws"
    tok=(); [ "$t" = portcullis ] && tok=(--token-file "$work/access.token")
    # shellcheck disable=SC2046
    all0=$(cpu_ticks $(cpu_pids "$t" all)) layer0=$(cpu_ticks $(cpu_pids "$t" layer))
    line=$(wsload echo --url "$wsurl" "${tok[@]}" --sockets 100 --seconds "$seconds" --warmup-seconds 3 | tail -1 || true)
    # shellcheck disable=SC2046
    all1=$(cpu_ticks $(cpu_pids "$t" all)) layer1=$(cpu_ticks $(cpu_pids "$t" layer))
    result "$r" "$t" ws_mps "$(field msgs_per_s <<<"$line")"
    # The servers echo through the tool's 3 s warm-up too: messages = the measured rate over warm-up + run.
    n=$(awk -v m="$(field msgs_per_s <<<"$line")" -v s="$((seconds + 3))" 'BEGIN { if (m + 0 > 0) printf "%.0f", m * s }')
    result "$r" "$t" ws_cpu_us "$(per_unit $((all1 - all0)) "$n")"
    [ "$t" = direct ] || result "$r" "$t" ws_layer_cpu_us "$(per_unit $((layer1 - layer0)) "$n")"
    result "$r" "$t" ws_p99_ms "$(awk -v u="$(field p99_us <<<"$line")" 'BEGIN { printf "%.2f", u / 1000 }')"
    result "$r" "$t" ws_errors "$(field errors <<<"$line")"
    # open 1,000 WebSockets (100 handshakes in flight), then up to $hold, reading RSS at 0, 1,000 and $hold
    wsload open --url "$wsurl" "${tok[@]}" --checkpoints "1000,$hold" --concurrency 100 --settle-ms 3000 \
      --rss-pids "$(rss_pids "$t")" >"$work/open.out" 2>&1 || true
    idle=$(grep '^idle' "$work/open.out" | field rss_kib)
    c1=$(grep '^open checkpoint=1000 ' "$work/open.out" | head -1)
    cn=$(grep "^open checkpoint=$hold " "$work/open.out" | head -1)
    result "$r" "$t" open1k_ms "$(field ms <<<"$c1")"
    result "$r" "$t" open_failed "$(field failed <<<"$cn")"
    for which in idle c1 cn; do
      v=${!which}; [ "$which" = idle ] || v=$(field rss_kib <<<"$v")
      result "$r" "$t" "rss_${which}_kib" "$(rss_sum <<<"$v")"
      if [ "$t" = portcullis ]; then
        result "$r" "$t" "proxy_rss_${which}_kib" "$(tr ',' '\n' <<<"$v" | awk -F: -v p="$proxy_pid" '$1 == p { print $2 }')"
        result "$r" "$t" "agent_rss_${which}_kib" "$(tr ',' '\n' <<<"$v" | awk -F: -v p="$agent_pid" '$1 == p { print $2 }')"
      fi
    done
    grep -q 'first failure' "$work/open.out" && log "$t: $(grep 'first failure' "$work/open.out")"
    settle "$t"
    log "round $r $t: $(grep -h "^$r $t " "$work/results" | cut -d' ' -f3- | paste -sd' ' -)"
  done
done
end_load=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ---------------------------------------------------------------------------------------------------------
tunnels=$(awk '/^connections:/ {print $2}' "$here/agent.yaml.template")
export rounds seconds warmup tunnels hold pinning start_load end_load command_line cpus nginx_workers run_date bench_commit bench_dirty
export PROXY_JAVA_OPTS AGENT_JAVA_OPTS APP_JAVA_OPTS
"$here/side-by-side-report.sh" "$work/results" >"$work/section.md"
if [ "$write" = 1 ]; then
  "$here/side-by-side-report.sh" --splice "$work/section.md" "$root/BENCHMARKS.md"
  log "wrote the side-by-side section of $root/BENCHMARKS.md"
fi
cat "$work/section.md"
cp "$work/results" "${SIDE_BY_SIDE_RESULTS:-/tmp/side-by-side-results.txt}"
