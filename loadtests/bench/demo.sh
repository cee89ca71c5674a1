# Sourced by the benchmark scripts: start_demo starts `portcullis demo` on a free port in the background and sets
# pid (stop it with kill "$pid"), token (a bearer token) and proxy (the public port). Needs $root and $work.
start_demo() {
  "$root/portcullis" build >/dev/null 2>&1 || true
  "$root/portcullis" demo --port 0 >"$work/demo.out" 2>"$work/demo.err" &
  pid=$!
  for _ in $(seq 1 240); do grep -q "Press Ctrl-C" "$work/demo.out" && break; sleep 0.5; done
  grep -q "Press Ctrl-C" "$work/demo.out" || { echo "demo did not start; see $work/demo.err" >&2; exit 1; }
  token=$(grep -o 'TOKEN=[^ ]*' "$work/demo.out" | cut -d= -f2)
  proxy=$(grep -o 'proxy /127.0.0.1:[0-9]*' "$work/demo.out" | grep -o '[0-9]*$')
}
