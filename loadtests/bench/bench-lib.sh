# Helpers for the bench scripts (side-by-side.sh, perf-split.sh, cpu-split.sh; sourced, not run). Every process
# started here is recorded in $work/pids and stopped by PID in stop_all; nginx also by its own pid file.

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "side-by-side: $*"; exit 1; }

# A free TCP port on loopback: a random one in 20000-31999 (below the ephemeral range) that nothing listens on.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if [ -z "$(ss -ltnH "sport = :$p" 2>/dev/null)" ] && ! grep -qx "$p" "$work/ports" 2>/dev/null; then
      echo "$p" >>"$work/ports"
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

# Waits until FILE contains PATTERN (grep -E), at most SECONDS.
wait_for_line() {
  local file=$1 pattern=$2 seconds=$3 deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    grep -qE "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.2
  done
  die "no '$pattern' in $file after ${seconds}s: $(tail -5 "$file" 2>/dev/null)"
}

# Waits until something listens on loopback PORT, at most SECONDS; NAME's output is shown if it does not.
wait_for_port() {
  local port=$1 seconds=$2 name=$3 deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    [ -n "$(ss -ltnH "sport = :$port" 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  die "$name is not listening on $port after ${seconds}s: $(tail -5 "$work/$name.out" "$work/$name.err" 2>/dev/null)"
}

# Waits until URL answers 200 (with optional curl args), at most SECONDS.
wait_for_200() {
  local url=$1 seconds=$2 deadline=$((SECONDS + $2))
  shift 2
  while [ $SECONDS -lt $deadline ]; do
    [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$@" "$url")" = 200 ] && return 0
    sleep 0.3
  done
  die "$url did not answer 200 within ${seconds}s"
}

# Starts a server process pinned to the server CPUs; echoes its PID. Output goes to $work/NAME.out / .err.
start_server() {
  local name=$1
  shift
  $server_pin "$@" >"$work/$name.out" 2>"$work/$name.err" &
  local pid=$!
  echo "$pid" >>"$work/pids"
  echo "$pid"
}

stop_all() {
  if [ -f "$work/nginx.pid" ]; then
    kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  fi
  if [ -f "$work/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$work/pids"
    while read -r pid; do
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done <"$work/pids"
  fi
}

# wrk output -> "rps p50_ms p99_ms errors"; latencies converted from us/ms/s to ms; errors = socket errors (connect,
# read, write, timeout) + non-2xx/3xx responses. A server that closes keep-alive connections shows up as read errors.
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { err += $5 }
    END { if (rps == "") rps = 0; printf "%s %.3f %.3f %d\n", rps, p50, p99, err }' "$1"
}

# key=value field from the WebSocket tool's result line.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" | head -1; }

# Sum of the VmRSS (KiB) entries of an rss_kib=pid:kib,pid:kib field.
rss_sum() { tr ',' '\n' | awk -F: '{ s += $2 } END { print s + 0 }'; }

# Clock ticks (getconf CLK_TCK per second) of CPU, user + system, that the processes PID... have used so far, their
# threads (live and ended) included; 0 for none. "PID/task/TID" names one thread.
cpu_ticks() {
  local p v t=0
  for p in "$@"; do
    # stat's utime and stime are fields 14 and 15, counted after the ")" that ends the command name.
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
    t=$((t + ${v:-0}))
  done
  echo "$t"
}

# Median of the numbers on stdin (one per line); "-" when there are none.
median() {
  sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "-"; exit } if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# Starts Portcullis the way an operator runs it: `portcullis proxy` and `portcullis agent` as separate processes (the
# in-memory registry, the tunnel over TLS with a throw-away certificate, the configs from proxy/agent.yaml.template),
# in front of the app on $app_port. Needs $jar, $work, $here, $server_pin, $PROXY_JAVA_OPTS, $AGENT_JAVA_OPTS. Sets
# token (a bearer access token for session bench, app web; also in $work/access.token), proxy_port, proxy_pid and
# agent_pid, and returns once a GET through the proxy answers 200.
start_portcullis() {
  java -jar "$jar" keygen --jwks "$work/jwks.json" --private-jwk "$work/private.jwk" >/dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$work/tunnel.key" -out "$work/tunnel.crt" 2>/dev/null
  java -jar "$jar" token --private-jwk "$work/private.jwk" --ttl PT3H --class agent --subject bench-agent >"$work/agent.token"
  java -jar "$jar" token --private-jwk "$work/private.jwk" --ttl PT3H --class access --subject bench-user \
    --session bench --app web >"$work/access.token"
  token=$(cat "$work/access.token")
  proxy_port=$(free_port)
  local tunnel_port admin_port f
  tunnel_port=$(free_port) admin_port=$(free_port)
  for f in proxy agent; do
    sed -e "s#@PUBLIC@#$proxy_port#g" -e "s#@TUNNEL@#$tunnel_port#g" -e "s#@ADMIN@#$admin_port#g" \
      -e "s#@APP@#$app_port#g" "$here/$f.yaml.template" >"$work/$f.yaml"
  done
  # shellcheck disable=SC2086 # the JVM options are words
  proxy_pid=$(start_server proxy java $PROXY_JAVA_OPTS -jar "$jar" proxy --config "$work/proxy.yaml")
  wait_for_port "$proxy_port" 60 proxy
  # shellcheck disable=SC2086
  agent_pid=$(start_server agent java $AGENT_JAVA_OPTS -jar "$jar" agent --config "$work/agent.yaml")
  wait_for_200 "http://127.0.0.1:$proxy_port/s/bench/web/" 60 -H "Authorization: Bearer $token"
}

# Builds the jar and the loadtests module (offline first); sets jar and wscp (the WebSocket tool's classpath).
build_bench() {
  log "building (mvn package -DskipTests)"
  (cd "$root" && { mvn -B -q -o -DskipTests package </dev/null || mvn -B -q -DskipTests package </dev/null; }) >"$work/build.log" 2>&1 ||
    die "build failed: $(tail -20 "$work/build.log")"
  jar="$root/proxy-core/target/portcullis.jar"
  wscp="$root/loadtests/target/classes:$(cat "$root/loadtests/target/classpath.txt")"
}

# Starts the sample app pinned with the servers; sets app_pid and app_port. Needs $jar and $APP_JAVA_OPTS.
start_app() {
  # shellcheck disable=SC2086
  app_pid=$(start_server app java $APP_JAVA_OPTS -jar "$jar" sample-app --port 0)
  wait_for_line "$work/app.out" 'listening on' 60
  app_port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$work/app.out")
}

# The split scripts' setup (perf-split.sh, cpu-split.sh): app, proxy and agent pinned to CPU 1, load on CPU 0; sets
# server_pin and gen_pin, builds, starts everything (stopped by stop_all) and defines load_small and load_ws. The
# caller sets work, here, root and the *_JAVA_OPTS, and traps stop_all.
start_split_setup() {
  [ "$(nproc)" -ge 2 ] || die "needs 2 CPUs: servers on CPU 1, load on CPU 0"
  server_pin="taskset -c 1" gen_pin="taskset -c 0"
  build_bench
  start_app
  start_portcullis
  log "up: app pid $app_pid, proxy pid $proxy_pid, agent pid $agent_pid"
}

# SECONDS of small GETs through the proxy: wrk -t1 -c64 on the app's page, latency percentiles on.
load_small() {
  $gen_pin wrk -t1 -c64 -d"$1"s -H "Authorization: Bearer $token" --latency "http://127.0.0.1:$proxy_port/s/bench/web/"
}

# SECONDS of WebSocket echo through the proxy: 100 sockets, 64-byte messages; prints WsLoad's "echo ..." line.
load_ws() {
  $gen_pin java -cp "$wscp" dev.portcullis.loadtests.ws.WsLoad echo \
    --url "ws://127.0.0.1:$proxy_port/s/bench/web/ws" --token "$token" --sockets 100 --size 64 \
    --warmup-seconds 0 --seconds "$1"
}
