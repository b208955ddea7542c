#!/usr/bin/env bash
# Starts a local RocketKube cluster on loopback from the packaged apps: one NameServer and, once the broker
# module is packaged, one broker registered with it. Runs in the foreground; Ctrl-C stops everything it started.
#
#   bin/local-cluster.sh            # build what is missing, then start
#   bin/local-cluster.sh --rebuild  # rebuild first
#
# Addresses (override with env): NameServer 127.0.0.1:9876 (HTTP 8081), broker 127.0.0.1:10911 (HTTP 8082).
# Point the official client at it with producer.setNamesrvAddr("127.0.0.1:9876").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

NAMESRV_HOST=${NAMESRV_HOST:-127.0.0.1}
NAMESRV_PORT=${NAMESRV_PORT:-9876}
NAMESRV_HTTP_PORT=${NAMESRV_HTTP_PORT:-8081}
BROKER_HOST=${BROKER_HOST:-127.0.0.1}
BROKER_PORT=${BROKER_PORT:-10911}
BROKER_HTTP_PORT=${BROKER_HTTP_PORT:-8082}
DATA_DIR=${DATA_DIR:-$root/.local-cluster}

namesrv_jar=namesrv-service/target/quarkus-app/quarkus-run.jar
broker_jar=broker-service/target/quarkus-app/quarkus-run.jar

if [[ "${1:-}" == "--rebuild" || ! -f $namesrv_jar || ( -f broker-service/pom.xml && ! -f $broker_jar ) ]]; then
  echo "building (./mvnw -B -q package -DskipTests) ..."
  ./mvnw -B -q package -DskipTests
fi

mkdir -p "$DATA_DIR"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

wait_ready() { # name url pid
  for _ in $(seq 1 600); do
    if curl -sf "$2" >/dev/null 2>&1; then echo "$1 ready ($2)"; return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then echo "$1 exited; see its log in $DATA_DIR" >&2; return 1; fi
    sleep 0.1
  done
  echo "$1 not ready after 60 s; see its log in $DATA_DIR" >&2
  return 1
}

java -Drocketkube.namesrv.host="$NAMESRV_HOST" -Drocketkube.namesrv.port="$NAMESRV_PORT" \
     -Drocketkube.namesrv.data-dir="$DATA_DIR/namesrv" \
     -Dquarkus.http.host="$NAMESRV_HOST" -Dquarkus.http.port="$NAMESRV_HTTP_PORT" \
     -jar "$namesrv_jar" > "$DATA_DIR/namesrv.log" 2>&1 &
pids+=($!)
wait_ready "NameServer $NAMESRV_HOST:$NAMESRV_PORT" "http://$NAMESRV_HOST:$NAMESRV_HTTP_PORT/q/health/ready" "${pids[-1]}"

if [[ -f $broker_jar ]]; then
  java -Drocketkube.broker.host="$BROKER_HOST" -Drocketkube.broker.port="$BROKER_PORT" \
       -Drocketkube.broker.advertised-host="$BROKER_HOST" \
       -Drocketkube.broker.namesrv-addr="$NAMESRV_HOST:$NAMESRV_PORT" \
       -Drocketkube.broker.store-path="$DATA_DIR/broker-a" \
       -Dquarkus.http.host="$BROKER_HOST" -Dquarkus.http.port="$BROKER_HTTP_PORT" \
       -jar "$broker_jar" > "$DATA_DIR/broker.log" 2>&1 &
  pids+=($!)
  wait_ready "Broker $BROKER_HOST:$BROKER_PORT" "http://$BROKER_HOST:$BROKER_HTTP_PORT/q/health/ready" "${pids[-1]}"
fi

echo "local cluster up: namesrvAddr=$NAMESRV_HOST:$NAMESRV_PORT (logs in $DATA_DIR); Ctrl-C to stop"
wait -n "${pids[@]}"
