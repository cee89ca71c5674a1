#!/usr/bin/env bash
# per-transfer speed + JVM CPU seconds per GB
out=/tmp/perf/demo.out
pid=$(cat /tmp/perf/demo.pid)
TOKEN=$(grep -o 'export TOKEN=[^ ]*' $out | cut -d= -f2)
PP=$(grep -o 'proxy /127.0.0.1:[0-9]*' $out | head -1 | cut -d: -f2)
AP=$(grep -o 'sample app listening on /127.0.0.1:[0-9]*' $out | cut -d: -f2)
[ -f /tmp/up.bin ] || head -c 100000000 /dev/zero > /tmp/up.bin
run() { # name bytes curlargs...
  local name=$1 bytes=$2; shift 2
  local c0=$(/tmp/perf/cpu.sh $pid)
  local r=$(curl -s -o /dev/null "$@")
  local c1=$(/tmp/perf/cpu.sh $pid)
  printf "%-11s %6.0f MB/s  cpu %5.2f s/GB  [%s]\n" $name $(echo "${r%% *}/1000000"|bc -l) $(echo "($c1-$c0)/100/($bytes/1000000000)"|bc -l) "$r"
}
for i in $(seq 1 ${1:-3}); do
 run direct_down 200000000 "http://127.0.0.1:$AP/download?bytes=200000000" -w '%{speed_download} %{http_code}'
 run proxy_down 500000000 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PP/s/demo/web/download?bytes=500000000" -w '%{speed_download} %{http_code} %{size_download}'
 run direct_up 100000000 -H Expect: --data-binary @/tmp/up.bin "http://127.0.0.1:$AP/upload" -w '%{speed_upload} %{http_code}'
 run proxy_up 100000000 -H "Authorization: Bearer $TOKEN" --data-binary @/tmp/up.bin "http://127.0.0.1:$PP/s/demo/web/upload" -w '%{speed_upload} %{http_code}'
done
