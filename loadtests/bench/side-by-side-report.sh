#!/usr/bin/env bash
# Turns side-by-side.sh's results ("round target metric value" lines) into the BENCHMARKS.md section, or splices a
# section into BENCHMARKS.md between its markers (replacing what is there, or inserting it before the first "## ").
#   side-by-side-report.sh RESULTS            > section.md      (reads rounds, hold, ... from the environment)
#   side-by-side-report.sh --splice SECTION BENCHMARKS.md
set -euo pipefail
begin='<!-- side-by-side:begin (written by loadtests/bench/side-by-side.sh; edits between these markers are overwritten) -->'
end='<!-- side-by-side:end -->'

if [ "${1:-}" = --splice ]; then
  section=$2 file=$3
  tmp=$(mktemp)
  if grep -q '^<!-- side-by-side:begin' "$file"; then
    awk -v s="$section" '
      /^<!-- side-by-side:begin/ { while ((getline l < s) > 0) print l; skip = 1; next }
      /^<!-- side-by-side:end -->/ { skip = 0; next }
      !skip { print }' "$file" >"$tmp"
  else
    awk -v s="$section" '
      /^## / && !done { while ((getline l < s) > 0) print l; print ""; done = 1 }
      { print }' "$file" >"$tmp"
  fi
  cat "$tmp" >"$file"
  rm -f "$tmp"
  exit 0
fi

results=$1
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=bench-lib.sh
. "$here/bench-lib.sh"

med() { awk -v t="$1" -v m="$2" '$2 == t && $3 == m && $4 != "" { print $4 }' "$results" | median; }
# Round 1's value: the first time each process holds the sockets (RSS is a high-water mark, see the note below).
first() { awk -v t="$1" -v m="$2" '$1 == 1 && $2 == t && $3 == m && $4 != "" { v = $4 } END { print (v == "" ? "-" : v) }' "$results"; }
# Sum over all rounds (for counts of errors, which a median would hide).
total() { awk -v t="$1" -v m="$2" '$2 == t && $3 == m && $4 != "" { s += $4; n++ } END { print (n ? s : "-") }' "$results"; }
# Memory per added WebSocket (KiB) in each round, one line per round.
per_ws_rounds() {
  for r in $(awk '{ print $1 }' "$results" | sort -u); do
    awk -v r="$r" -v t="$1" -v n="$hold" -v a="${2}rss_c1_kib" -v b="${2}rss_cn_kib" '
      $1 == r && $2 == t && $3 == a { x = $4 } $1 == r && $2 == t && $3 == b { y = $4 }
      END { if (x != "" && y != "" && x > 0 && y > 0) printf "%.2f\n", (y - x) / (n - 1000) }' "$results"
  done
}
per_ws() { local v; v=$(per_ws_rounds "$@" | awk 'NR == 1'); echo "${v:--}"; }
per_ws_all() { per_ws_rounds "$@" | paste -sd/ -; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
# goal check: value, reference, operator (ge/le), factor
goal() {
  awk -v a="$1" -v b="$2" -v op="$3" -v f="$4" 'BEGIN {
    if (a == "-" || b == "-" || b + 0 == 0) { print "?"; exit }
    ok = (op == "ge") ? (a >= f * b) : (a <= f * b); print ok ? "met" : "**missed**" }'
}
mib() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.0f", k / 1024 }'; }
row() { # label metric decimals goal-text goal-op goal-factor [aggregator: med (default) or total] [error metric]
  local d n p agg=${7:-med} errs=${8:-}
  d=$($agg direct "$2") n=$($agg nginx "$2") p=$($agg portcullis "$2")
  local fmt="%.${3}f"
  f() { awk -v v="$1" -v f="$fmt" 'BEGIN { if (v == "-") print "-"; else printf f, v }'; }
  local verdict=""
  [ -n "$5" ] && verdict=" ($(goal "$p" "$n" "$5" "$6"))"
  # A goal is never met by a run that had errors (a fast answer that failed is not an answer).
  if [ -n "$5" ] && [ -n "$errs" ] && [ "$(total portcullis "$errs")" != - ] && [ "$(total portcullis "$errs")" -gt 0 ]; then
    verdict=" (**missed**: $(total portcullis "$errs") errors)"
  fi
  local rn rd
  rn=$(ratio "$p" "$n") rd=$(ratio "$p" "$d")
  [ "$agg" = total ] && rn=- rd=-   # counts of errors: no ratio
  echo "| $1 | $(f "$d") | $(f "$n") | $(f "$p") | $rn | $rd | $4$verdict |"
}

commit=${bench_commit:-$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)}
dirty=${bench_dirty-$(git -C "$here" status --porcelain 2>/dev/null | grep -qv '^??' && echo " (with uncommitted changes)" || true)}
cat <<EOF
$begin
## Side by side: direct, nginx, Portcullis (issue 5)

Command: \`$command_line\` (one run; ${warmup:-0} s of unmeasured warm-up per target, the three workloads
interleaved (nginx: at most 27 s), then $rounds round(s), the order of the three targets rotates each round; medians
of the rounds). Date: ${run_date:-$(date -u +%Y-%m-%dT%H:%MZ)}. Commit: $commit$dirty.

Machine: $cpus CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r),
$(java -version 2>&1 | head -1 | tr -d '"'), $(nginx -v 2>&1 | sed 's/.*: //'), wrk $(wrk --version 2>&1 | head -1 | awk '{print $2}'). Loopback only;
$pinning. Load average at start $start_load, at end $end_load.
JVMs: proxy \`$PROXY_JAVA_OPTS\`, agent \`$AGENT_JAVA_OPTS\` (as in configs/*.service), sample app \`$APP_JAVA_OPTS\`.

- **direct**: the sample app (\`portcullis sample-app\`, Undertow) alone: the limit.
- **nginx**: Debian's nginx as a plain reverse proxy (loadtests/bench/nginx.conf.template: keepalive upstream,
  WebSocket upgrade headers, no buffering), one hop, no TLS, $nginx_workers worker process(es).
- **Portcullis**: \`portcullis proxy\` + \`portcullis agent\` as separate processes (in-memory registry), the agent's
  tunnel over TLS with ${tunnels:-2} connections (loadtests/bench/agent.yaml.template), every request with a bearer access token.

| workload | direct | nginx | Portcullis | Portcullis / nginx | Portcullis / direct | goal (issue 5) |
|---|---|---|---|---|---|---|
$(row "small GET (≈1 KB page, 64 connections), req/s" get_rps 0 "≥ 0.6x nginx" ge 0.6 med get_errors)
$(row "small GET p50, ms" get_p50_ms 2 "" "" "")
$(row "small GET p99, ms" get_p99_ms 2 "≤ 1.5x nginx" le 1.5 med get_errors)
$(row "small GET errors (socket errors + non-2xx, all rounds)" get_errors 0 "" "" "" total)
$(row "small GET, server CPU per request (app + what is in front of it), µs" get_cpu_us 1 "" "" "")
$(row "small GET, CPU per request in front of the app (nginx; proxy + agent), µs" get_layer_cpu_us 1 "" "" "")
$(row "1 MiB GET (8 connections), MB/s" mib_mbps 0 "≥ 1.0x nginx" ge 1.0 med mib_errors)
$(row "1 MiB GET errors (all rounds)" mib_errors 0 "" "" "" total)
$(row "WebSocket echo (100 sockets, 64 B), msgs/s" ws_mps 0 "≥ 1.0x nginx" ge 1.0 med ws_errors)
$(row "WebSocket echo p99, ms" ws_p99_ms 2 "≤ 1.0x nginx" le 1.0 med ws_errors)
$(row "WebSocket echo errors (all rounds)" ws_errors 0 "" "" "" total)
$(row "WebSocket echo, server CPU per message (app + what is in front of it), µs" ws_cpu_us 1 "" "" "")
$(row "WebSocket echo, CPU per message in front of the app (nginx; proxy + agent), µs" ws_layer_cpu_us 1 "" "" "")
$(row "open 1,000 WebSockets (100 in flight), ms" open1k_ms 0 "≤ 1.5x nginx" le 1.5 med open_failed)
$(row "WebSocket opens that failed (of $hold per round, all rounds)" open_failed 0 "0" "" "" total)

CPU rows: the user + system time of the target's server processes (/proc/PID/stat: the app, and nginx's master and
workers or Portcullis's proxy and agent) during the measured run, divided by the requests wrk counted or, for the
echo, by the measured rate times the run and the tool's 3 s warm-up (the servers echo through both). All servers share
one core here, so CPU per request is what sets the rates above.

Resident memory (VmRSS from /proc/PID/status; nginx = master + workers, Portcullis = proxy + agent, direct = the
app), from round 1, the first time each process holds the sockets: "idle" is with no connection open (after that
round's throughput workloads), the others after opening that many WebSockets and a 3 s settle. RSS is a high-water
mark for a JVM (the heap it has grown is kept), so later rounds reuse what round 1 reserved and show smaller deltas;
the last row gives every round.

| memory | direct (app) | nginx | Portcullis (proxy + agent) | proxy | agent | goal (issue 5) |
|---|---|---|---|---|---|---|
| RSS idle, MiB | $(mib "$(first direct rss_idle_kib)") | $(mib "$(first nginx rss_idle_kib)") | $(mib "$(first portcullis rss_idle_kib)") | $(mib "$(first portcullis proxy_rss_idle_kib)") | $(mib "$(first portcullis agent_rss_idle_kib)") | |
| RSS at 1,000 WebSockets, MiB | $(mib "$(first direct rss_c1_kib)") | $(mib "$(first nginx rss_c1_kib)") | $(mib "$(first portcullis rss_c1_kib)") | $(mib "$(first portcullis proxy_rss_c1_kib)") | $(mib "$(first portcullis agent_rss_c1_kib)") | |
| RSS at $hold WebSockets, MiB | $(mib "$(first direct rss_cn_kib)") | $(mib "$(first nginx rss_cn_kib)") | $(mib "$(first portcullis rss_cn_kib)") | $(mib "$(first portcullis proxy_rss_cn_kib)") | $(mib "$(first portcullis agent_rss_cn_kib)") | $hold held |
| per added WebSocket (1,000 → $hold), round 1, KiB | $(per_ws direct "") | $(per_ws nginx "") | $(per_ws portcullis "") | $(per_ws portcullis proxy_) | $(per_ws portcullis agent_) | ≤ 10 KiB (proxy + agent): $(awk -v v="$(per_ws portcullis "")" 'BEGIN { if (v == "-") print "?"; else print (v <= 10 ? "met" : "**missed**") }') |
| per added WebSocket, KiB, rounds 1/2/3... | $(per_ws_all direct "") | $(per_ws_all nginx "") | $(per_ws_all portcullis "") | $(per_ws_all portcullis proxy_) | $(per_ws_all portcullis agent_) | |

Every figure per round: \`SIDE_BY_SIDE_RESULTS=file\` keeps the raw "round target metric value" lines (default
/tmp/side-by-side-results.txt).
$end
EOF
