#!/usr/bin/env bash
# threads.sh down|up : per-thread CPU jiffies during one transfer
out=/tmp/perf/demo.out; pid=$(cat /tmp/perf/demo.pid)
TOKEN=$(grep -o 'export TOKEN=[^ ]*' $out | cut -d= -f2)
PP=$(grep -o 'proxy /127.0.0.1:[0-9]*' $out | head -1 | cut -d: -f2)
if [ $1 = down ]; then args=(-H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PP/s/demo/web/download?bytes=1000000000" -w '%{speed_download} %{time_total}\n');
else args=(-H "Authorization: Bearer $TOKEN" --data-binary @/tmp/up.bin "http://127.0.0.1:$PP/s/demo/web/upload" -w '%{speed_upload} %{time_total}\n'); fi
snap() { for t in /proc/$pid/task/*; do echo "$(basename $t) $(awk '{print $14+$15}' $t/stat) $(cat $t/comm|tr ' ' _)"; done | sort; }
snap > /tmp/perf/s0; /usr/bin/time -f 'curl cpu %U+%S' curl -s -o /dev/null "${args[@]}"; snap > /tmp/perf/s1
join /tmp/perf/s0 /tmp/perf/s1 | awk '{d=$4-$2; if (d>3) print d, $3, $1}' | sort -rn | head
