#!/usr/bin/env bash
# Cost of the identity header (X-Portcullis-Identity): one ES256 signature per (user, session, app) every 5 s, a
# cached assertion otherwise; the access-token verification the gate already does per request is printed for scale.
# Usage: loadtests/bench/identity-signing.sh [OPS_PER_ROUND]   (default 5000). A plain loop, not JMH: CPU only.
set -euo pipefail
ops=${1:-5000}
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -q -o -pl proxy-core -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
java -cp "proxy-core/target/test-classes:proxy-core/target/classes:$(cat proxy-core/target/bench-classpath.txt)" \
    dev.portcullis.proxy.auth.IdentitySigningBench "$ops"
