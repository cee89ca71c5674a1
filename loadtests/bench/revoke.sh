#!/usr/bin/env bash
# Time from a revocation on proxy node 1 to the close of a live WebSocket on proxy node 2.
# Usage: loadtests/bench/revoke.sh [ROUNDS]   (default 50). Loopback only. Starts, in one JVM under Maven's
# surefire (RevocationBenchmark in proxy-core's tests): its own redis-server on a free port (needs redis-server on
# the PATH), two proxy nodes sharing it, one agent with a tunnel to each, and a WebSocket app streaming 16 KiB frames.
# Everything it starts is stopped when it ends. Prints medians, p99 and max in milliseconds.
set -euo pipefail
rounds=${1:-50}
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -q -o -B -pl proxy-core -am verify -DskipITs -Dtest=RevocationBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.revoke.rounds="$rounds" >/dev/null
cat proxy-core/target/revocation-bench.txt
