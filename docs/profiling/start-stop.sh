#!/bin/bash
# start-stop.sh APPDIR [JVM options...]: launch → first 200 of /q/health/ready, then SIGTERM → exit, in ms.
# JAVA=/path/to/java picks another JVM (class-data sharing and AOT cache options go in the JVM options); JAR= another
# jar of APP, e.g. JAR=target/classpath-app/syncline-runner.jar with -XX:AOTCache=APP/target/classpath-app/syncline.aot
# (bin/start-cache.sh; run from APP, so the cache's class path matches).
APP=$1; shift; D=$(mktemp -d /tmp/start-stop.XXXX); PORT=${PORT:-18080}
cd "$APP"
t0=$(date +%s%N); ${JAVA:-java} -Xmx256m "$@" -Dquarkus.http.port=$PORT -Dsync.data-dir=$D/data -jar ${JAR:-target/quarkus-app/quarkus-run.jar} > $D/log 2>&1 &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:$PORT/q/health/ready; do sleep 0.05; done
t1=$(date +%s%N); kill $pid; wait $pid; rc=$?; t2=$(date +%s%N)
echo "ready_ms=$(( (t1-t0)/1000000 )) stop_ms=$(( (t2-t1)/1000000 )) exit=$rc $(grep -a -o 'shutdown in [0-9a-z]*' $D/log)"
rm -rf $D
