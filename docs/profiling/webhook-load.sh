#!/bin/bash
# webhook-load.sh APPDIR SECONDS [JVM options...]
# Starts APPDIR/target/quarkus-app (outbox target, a fresh data folder), sends new insurance claims with wrk (Debian's
# wrk; 16 connections) for WARM seconds (default 8) unmeasured, waits until the outbox has them, then SECONDS measured:
# the 202s per second, the rate at which the outbox had all of them, CPU per event and per thread group.
# A profile: -agentpath:…/libasyncProfiler.so=start,event=cpu,… as a JVM option (the whole process; README.md).
# KEEP=1 keeps the data folder.
HERE=$(cd "$(dirname "$0")" && pwd)
APP=$1; DUR=$2; shift 2
D=$(mktemp -d /tmp/webhook-load.XXXX); PORT=${PORT:-18081}
java -Xmx256m "$@" -Dquarkus.http.port=$PORT -Dsync.data-dir=$D/data -jar $APP/target/quarkus-app/quarkus-run.jar > $D/log 2>&1 &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:$PORT/q/health/ready; do sleep 0.05; done
count() { cat $D/data/outbox/insurance-claims/* 2>/dev/null | wc -l; }
drain() { while [ $(count) -lt $1 ]; do sleep 0.05; done; }
wrk -t1 -c16 -d${WARM:-8}s -s "$HERE/webhook-claims.lua" http://127.0.0.1:$PORT | tail -1 > $D/warm
drain $(awk '{print $2}' $D/warm | tr -d ,)
"$HERE/thread-cpu.sh" $pid > $D/t0; read -r -a s0 < /proc/$pid/stat; c0=$(count); t0=$(date +%s%N)
wrk -t1 -c16 -d${DUR}s -s "$HERE/webhook-claims.lua" http://127.0.0.1:$PORT | tail -1 > $D/wrk
t1=$(date +%s%N)
n=$(awk '{print $2}' $D/wrk | tr -d ,)
drain $((c0+n))
t2=$(date +%s%N); read -r -a s1 < /proc/$pid/stat; "$HERE/thread-cpu.sh" $pid > $D/t1
cpu=$(( s1[13]+s1[14]-s0[13]-s0[14] ))
echo "$(cat $D/wrk) | accepted/s $(( n*1000000000/(t1-t0) )) delivered/s $(( n*1000000000/(t2-t0) )), app CPU/event $(echo "scale=3; $cpu*10/$n" | bc) ms"
python3 "$HERE/thread-cpu-diff.py" $D/t0 $D/t1 $n
kill $pid; wait $pid 2>/dev/null; [ -n "$KEEP" ] || rm -rf $D
