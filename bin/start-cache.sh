#!/bin/bash
# bin/start-cache.sh: trains the JVM's start-up cache for Syncline's class-path jar, from the project's root folder.
#
#   ./mvnw -B package -DskipTests -Pclasspath-jar     # target/classpath-app/syncline-runner.jar and lib/
#   bin/start-cache.sh                                # JAVA=/path/to/bin/java picks the JVM that will run Syncline
#
# Java 25 or later: an AOT cache (JEP 483, 514, 515: the classes of a training run loaded and linked, and its method
# profiles), target/classpath-app/syncline.aot. Java 17 to 24: a class-data sharing archive,
# target/classpath-app/syncline.jsa. Either serves only the JVM that wrote it, the same jar and the same JVM options
# (JAVA_OPTS, default -Xmx256m): train again after a build or a JVM update (a stale one is ignored with a warning).
#
# The training run starts Syncline on a scratch data folder and port (PORT, default 18489), sends each flow's
# examples/valid.json to its webhook and drops the actuarial flow's examples/valid.csv into its inbox, waits until
# all of it is in the outbox and the file's report is written, and stops it. Nothing of the training stays but the
# cache. At the end it prints the command that runs Syncline with the cache.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
PORT=${PORT:-18489}
APP=target/classpath-app
JAR=$APP/syncline-runner.jar
if [ ! -f "$JAR" ]; then
  echo "No $JAR: build it first with ./mvnw -B package -DskipTests -Pclasspath-jar" >&2
  exit 2
fi
major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
if [ -z "$major" ]; then
  echo "Cannot tell the version of $JAVA" >&2
  exit 2
fi
if [ "$major" -ge 25 ]; then
  CACHE=$APP/syncline.aot; WRITE="-XX:AOTCacheOutput=$CACHE"; USE="-XX:AOTCache=$CACHE"
else
  CACHE=$APP/syncline.jsa; WRITE="-XX:ArchiveClassesAtExit=$CACHE"; USE="-XX:SharedArchiveFile=$CACHE"
fi
rm -f "$CACHE"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/syncline-training.XXXXXX")
pid=""
stop() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" || true
    pid=""
  fi
}
trained=""
# whatever ends the script (a failed step, Ctrl-C), the training run is stopped and its folder removed, and the cache
# of a training that did not finish (the JVM writes one as it exits) with it
trap 'stop; rm -rf "$SCRATCH"; [ -n "$trained" ] || rm -f "$CACHE"' EXIT
trap 'exit 130' INT TERM
echo "Training on Java $major (scratch data in $SCRATCH, port $PORT)"
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS $WRITE -Dquarkus.http.port="$PORT" -Dquarkus.http.host=127.0.0.1 -Dsync.data-dir="$SCRATCH/data" \
  "-Dsync.flows.insurance-actuarial-risk.schedule=0/1 * * * * ?" -jar "$JAR" > "$SCRATCH/training.log" 2>&1 &
pid=$!
ready=""
for _ in $(seq 1 1200); do
  if curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; then ready=yes; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "The training run did not become ready; its log:" >&2
  tail -40 "$SCRATCH/training.log" >&2
  stop
  exit 1
fi
accepted=0
for example in src/main/resources/flows/*/examples/valid.json; do
  flow=$(basename "$(dirname "$(dirname "$example")")")
  code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$example" \
    "http://127.0.0.1:$PORT/webhooks/$flow")
  if [ "$code" = 202 ]; then accepted=$((accepted + 1)); fi
done
inbox=$SCRATCH/data/inbox/insurance-actuarial-risk
mkdir -p "$inbox"
cp src/main/resources/flows/insurance-actuarial-risk/examples/valid.csv "$inbox/.training.csv"
mv "$inbox/.training.csv" "$inbox/training.csv"
# the webhooks' envelopes: every outbox but the file's flow
lines() { find "$SCRATCH/data/outbox" -name '*.jsonl' ! -path '*/insurance-actuarial-risk/*' -exec cat {} + 2>/dev/null | grep -c . || true; }
done=""
for _ in $(seq 1 600); do
  if [ "$(lines)" -ge "$accepted" ] && ls "$SCRATCH"/data/reports/insurance-actuarial-risk/*.report.json > /dev/null 2>&1; then
    done=yes; break
  fi
  sleep 0.1
done
stop
if [ -z "$done" ]; then
  echo "The training run did not deliver its examples; its log:" >&2
  tail -40 "$SCRATCH/training.log" >&2
  exit 1
fi
if [ ! -s "$CACHE" ]; then
  echo "The JVM wrote no $CACHE; the training run's log:" >&2
  tail -40 "$SCRATCH/training.log" >&2
  exit 1
fi
trained=yes
echo "Trained on $accepted webhooks and one file: $CACHE ($(du -h "$CACHE" | cut -f1))"
echo "Run Syncline with it, from this folder:"
echo "  $JAVA $JAVA_OPTS $USE -jar $JAR"
