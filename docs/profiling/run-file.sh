#!/bin/bash
# run-file.sh REPO CSV [PORT]: the packaged jar of REPO (./mvnw -B package -DskipTests) on a fresh data folder, the CSV
# dropped into insurance-actuarial-risk's inbox (schedule every second), until its report is written. Prints the wall time
# from drop to report, CPU seconds (in all, and from drop to report) and peak RSS of the process. JOPTS adds JVM options (a profiler agent, a heap size);
# THREADS=1 also lists the CPU seconds of the busiest threads, by name. SECOND=CSV2 drops a second file (other keys) once the first
# one's report is written and prints its time too: the same process warm, its JIT's first pass behind it. With SECOND,
# PROF=/tmp/x.collapsed profiles the second file alone: async-profiler (/tmp/ap, README.md) attached through jcmd when it
# is dropped and stopped when its report is written; CPU, or PROF_EVENT=wall for wall clock (threads split either way).
APP=$1; CSV=$2; PORT=${3:-8090}
D=$(mktemp -d /tmp/rb.XXXX)
mkdir -p $D/inbox/insurance-actuarial-risk
T0=$(date +%s.%N)
java -Xmx512m $JOPTS -Dquarkus.http.port=$PORT -Dsync.data-dir=$D \
  "-Dsync.flows.insurance-actuarial-risk.schedule=0/1 * * * * ?" -jar $APP/target/quarkus-app/quarkus-run.jar > $D/app.log 2>&1 &
PID=$!
until curl -sf localhost:$PORT/q/health/ready >/dev/null; do sleep 0.2; done
CPU0=$(awk '{print ($14+$15)/100}' /proc/$PID/stat)
cp $CSV $D/inbox/insurance-actuarial-risk/.tmp.csv && mv $D/inbox/insurance-actuarial-risk/.tmp.csv $D/inbox/insurance-actuarial-risk/risk.csv
T1=$(date +%s.%N)
until ls $D/reports/*/*.report.json >/dev/null 2>&1; do sleep 0.2; done
T2=$(date +%s.%N)
CPU=$(awk '{print ($14+$15)/100}' /proc/$PID/stat)
if [ -n "$SECOND" ]; then
  # jcmd reads an argument holding '=' as its own option: the agent's options go in inner quotes
  [ -n "$PROF" ] && jcmd $PID JVMTI.agent_load /tmp/ap/linux-x64/libasyncProfiler.so \
    "\"start,event=${PROF_EVENT:-cpu},interval=${PROF_INTERVAL:-1ms},threads\"" > /dev/null
  cp $SECOND $D/inbox/insurance-actuarial-risk/.tmp.csv && mv $D/inbox/insurance-actuarial-risk/.tmp.csv $D/inbox/insurance-actuarial-risk/second.csv
  T3=$(date +%s.%N)
  until ls $D/reports/*/*second.csv.report.json >/dev/null 2>&1; do sleep 0.2; done
  T4=$(date +%s.%N)
  [ -n "$PROF" ] && jcmd $PID JVMTI.agent_load /tmp/ap/linux-x64/libasyncProfiler.so "\"stop,collapsed,file=$PROF\"" > /dev/null
  CPU2=$(awk '{print ($14+$15)/100}' /proc/$PID/stat)
  echo "second file: drop->report $(echo "$T4-$T3"|bc) s; cpu $(echo "$CPU2-$CPU"|bc) s; $(grep -o '"published" *: *[0-9]*' $D/reports/*/*second.csv.report.json)"
fi
HWM=$(grep VmHWM /proc/$PID/status | awk '{print $2/1024}')
# CPU seconds by thread name (the Camel threads, the C2 compiler threads and RocksDB's compaction threads summed)
[ -n "$THREADS" ] && for t in /proc/$PID/task/*; do echo "$(awk '{print ($14+$15)/100}' $t/stat) $(cat $t/comm)"; done |
  awk '{c=$1; $1=""; sum[$0]+=c; n[$0]++} END {for (k in sum) printf "%.2f%s (%d)\n", sum[k], k, n[k]}' | sort -rn | head -8
kill $PID; wait $PID 2>/dev/null
echo "drop->report $(echo "$T2-$T1"|bc) s; total $(echo "$T2-$T0"|bc) s; cpu $CPU s (file $(echo "$CPU-$CPU0"|bc) s); hwm ${HWM} MiB; $(grep -o '"published" *: *[0-9]*' $D/reports/*/*.report.json | head -1)"
[ -n "$KEEP" ] && echo "kept $D" || rm -rf $D
