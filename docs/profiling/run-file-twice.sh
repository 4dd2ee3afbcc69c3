#!/bin/bash
# run-file-twice.sh REPO CSV [PORT]: as run-file.sh, but the same rows (other keys) are dropped twice into one process;
# the second file shows the warm process. HOOK runs a command (with $PID) while the second file is processed.
APP=$1; CSV=$2; PORT=${3:-8090}
D=$(mktemp -d /tmp/rb.XXXX); mkdir -p $D/inbox/insurance-actuarial-risk
java -Xmx512m $JOPTS -Dquarkus.http.port=$PORT -Dsync.data-dir=$D "-Dsync.flows.insurance-actuarial-risk.schedule=0/1 * * * * ?" -jar $APP/target/quarkus-app/quarkus-run.jar > $D/app.log 2>&1 &
PID=$!
until curl -sf localhost:$PORT/q/health/ready >/dev/null; do sleep 0.2; done
for n in 1 2; do
  sed "s/RSK-BENCH-/RSK-R$n-/" $CSV > $D/.tmp.csv; C0=$(awk '{print ($14+$15)/100}' /proc/$PID/stat)
  [ $n = 2 ] && [ -n "$HOOK" ] && (eval "$HOOK" > /tmp/hook.out 2>&1 &)
  T1=$(date +%s.%N); mv $D/.tmp.csv $D/inbox/insurance-actuarial-risk/risk$n.csv
  until [ $(ls $D/reports/*/*.report.json 2>/dev/null | wc -l) -ge $n ]; do sleep 0.2; done
  T2=$(date +%s.%N); C1=$(awk '{print ($14+$15)/100}' /proc/$PID/stat)
  echo "file $n: drop->report $(echo "$T2-$T1"|bc) s; cpu $(echo "$C1-$C0"|bc) s"
done
[ -n "$THREADS" ] && for t in /proc/$PID/task/*; do echo "$(awk '{print ($14+$15)/100}' $t/stat) $(cat $t/comm)"; done | sort -rn | head -8
kill $PID; wait $PID 2>/dev/null; rm -rf $D
