#!/usr/bin/env bash
# A local RocketKube cluster on loopback from the packaged apps: two NameServers and one broker group
# (a master and its slave), data under .local-cluster/. Processes run in the background; their PIDs are
# in .local-cluster/pids/ and only those PIDs are ever signalled. See docs/local-cluster.md.
#
#   bin/local-cluster.sh [start] [--rebuild]  build what is missing, start, print the addresses
#   bin/local-cluster.sh status               which processes run and are ready; the brokers the NameServers know
#   bin/local-cluster.sh stop                 SIGTERM each process (SIGKILL after 30 s)
#   bin/local-cluster.sh send [N] [TOPIC]     N messages (default 100, topic LocalTest) with the official 4.9.8 producer
#   bin/local-cluster.sh consume [N] [TOPIC]  consume them from the first offset, with progress
#   bin/local-cluster.sh admin clusters|topics|route TOPIC|create-topic TOPIC [QUEUES]
#   bin/local-cluster.sh logs [NAME]          tail a process's log (namesrv-1, namesrv-2, broker-a-0, broker-a-1)
#
# Addresses (override with env): NameServers 127.0.0.1:9876 and 127.0.0.1:9877 (HTTP 8081, 8083), master
# 127.0.0.1:10911 (HA 10912, HTTP 8082), slave 127.0.0.1:10921 (HA 10922, HTTP 8084).
# Clients: namesrvAddr "127.0.0.1:9876;127.0.0.1:9877".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

HOST=${HOST:-127.0.0.1}
NAMESRV_PORTS=(${NAMESRV_PORT:-9876} ${NAMESRV2_PORT:-9877})
NAMESRV_HTTP_PORTS=(${NAMESRV_HTTP_PORT:-8081} ${NAMESRV2_HTTP_PORT:-8083})
MASTER_PORT=${BROKER_PORT:-10911}; MASTER_HA_PORT=${BROKER_HA_PORT:-10912}; MASTER_HTTP_PORT=${BROKER_HTTP_PORT:-8082}
SLAVE_PORT=${SLAVE_PORT:-10921}; SLAVE_HA_PORT=${SLAVE_HA_PORT:-10922}; SLAVE_HTTP_PORT=${SLAVE_HTTP_PORT:-8084}
CLUSTER_NAME=${CLUSTER_NAME:-LocalCluster}
BROKER_NAME=${BROKER_NAME:-broker-a}
DATA_DIR=${DATA_DIR:-$root/.local-cluster}
NAMESRV_ADDR="$HOST:${NAMESRV_PORTS[0]};$HOST:${NAMESRV_PORTS[1]}"
HEAP=${HEAP:--Xmx256m}

namesrv_jar=namesrv-service/target/quarkus-app/quarkus-run.jar
broker_jar=broker-service/target/quarkus-app/quarkus-run.jar
tools_cp_file=e2e/tools/target/tools.classpath
pid_dir=$DATA_DIR/pids

build_if_missing() {
  if [[ "${1:-}" == "--rebuild" || ! -f $namesrv_jar || ! -f $broker_jar || ! -f $tools_cp_file ]]; then
    echo "building (./mvnw -B -q package -DskipTests -pl namesrv-service,broker-service,e2e/tools -am) ..."
    ./mvnw -B -q package -DskipTests -pl namesrv-service,broker-service,e2e/tools -am
  fi
}

alive() { [[ -f $pid_dir/$1 ]] && kill -0 "$(cat "$pid_dir/$1")" 2>/dev/null; }

launch() { # name jar -Dprops...
  local name=$1 jar=$2; shift 2
  if alive "$name"; then echo "$name already running (pid $(cat "$pid_dir/$name"))"; return 0; fi
  mkdir -p "$DATA_DIR/$name" "$pid_dir"
  (cd "$DATA_DIR/$name" && exec java $HEAP -XX:+UseSerialGC "$@" -jar "$root/$jar" > "$DATA_DIR/$name/stdout.log" 2>&1) &
  echo $! > "$pid_dir/$name"
}

wait_ready() { # name url
  for _ in $(seq 1 1200); do
    if curl -sf "$2" >/dev/null 2>&1; then printf '  %-11s ready  %s\n' "$1" "$2"; return 0; fi
    if ! alive "$1"; then echo "$1 exited; see $DATA_DIR/$1/stdout.log" >&2; tail -20 "$DATA_DIR/$1/stdout.log" >&2; return 1; fi
    sleep 0.1
  done
  echo "$1 not ready after 120 s; see $DATA_DIR/$1/stdout.log" >&2
  return 1
}

broker() { # name id port ha-port http-port role
  launch "$1" "$broker_jar" \
    -Drocketkube.broker.cluster-name="$CLUSTER_NAME" -Drocketkube.broker.broker-name="$BROKER_NAME" \
    -Drocketkube.broker.broker-id="$2" -Drocketkube.broker.role="$6" \
    -Drocketkube.broker.host="$HOST" -Drocketkube.broker.advertised-host="$HOST" \
    -Drocketkube.broker.port="$3" -Drocketkube.broker.ha-port="$4" \
    -Drocketkube.broker.namesrv-addr="$NAMESRV_ADDR" \
    -Drocketkube.broker.store-path="$DATA_DIR/$1/store" \
    -Dquarkus.http.host="$HOST" -Dquarkus.http.port="$5"
}

start() {
  build_if_missing "${1:-}"
  mkdir -p "$DATA_DIR"
  for i in 0 1; do
    launch "namesrv-$((i + 1))" "$namesrv_jar" \
      -Drocketkube.namesrv.host="$HOST" -Drocketkube.namesrv.port="${NAMESRV_PORTS[$i]}" \
      -Drocketkube.namesrv.data-dir="$DATA_DIR/namesrv-$((i + 1))/data" \
      -Dquarkus.http.host="$HOST" -Dquarkus.http.port="${NAMESRV_HTTP_PORTS[$i]}"
  done
  wait_ready namesrv-1 "http://$HOST:${NAMESRV_HTTP_PORTS[0]}/q/health/ready"
  wait_ready namesrv-2 "http://$HOST:${NAMESRV_HTTP_PORTS[1]}/q/health/ready"
  broker broker-a-0 0 "$MASTER_PORT" "$MASTER_HA_PORT" "$MASTER_HTTP_PORT" ASYNC_MASTER
  broker broker-a-1 1 "$SLAVE_PORT" "$SLAVE_HA_PORT" "$SLAVE_HTTP_PORT" SLAVE
  wait_ready broker-a-0 "http://$HOST:$MASTER_HTTP_PORT/q/health/ready"
  wait_ready broker-a-1 "http://$HOST:$SLAVE_HTTP_PORT/q/health/ready"
  cat <<EOF

local cluster up (data and logs in $DATA_DIR)
  NameServers  $HOST:${NAMESRV_PORTS[0]}  $HOST:${NAMESRV_PORTS[1]}
  $BROKER_NAME     master $HOST:$MASTER_PORT (broker id 0)   slave $HOST:$SLAVE_PORT (broker id 1)
  clients      namesrvAddr="$NAMESRV_ADDR"
next: bin/local-cluster.sh send 1000 && bin/local-cluster.sh consume 1000;  bin/local-cluster.sh stop
EOF
}

status() {
  for name in namesrv-1 namesrv-2 broker-a-0 broker-a-1; do
    if alive "$name"; then printf '  %-11s running (pid %s)\n' "$name" "$(cat "$pid_dir/$name")"
    else printf '  %-11s stopped\n' "$name"; fi
  done
  if alive namesrv-1 || alive namesrv-2; then client clusters; fi
}

stop() {
  for name in broker-a-1 broker-a-0 namesrv-2 namesrv-1; do
    if alive "$name"; then
      pid=$(cat "$pid_dir/$name"); kill "$pid"
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
      echo "  $name stopped (pid $pid)"
    fi
    rm -f "$pid_dir/$name"
  done
}

client() {
  [[ -f $tools_cp_file ]] || ./mvnw -B -q package -DskipTests -pl e2e/tools -am
  java -Drocketmq.client.logRoot="$DATA_DIR/client-logs" -Drocketmq.client.logLevel=WARN \
    -cp "$(cat "$tools_cp_file"):e2e/tools/target/classes" io.rocketkube.e2e.tools.LocalClient \
    "$1" -n "$NAMESRV_ADDR" "${@:2}"
}

command=${1:-start}
case "$command" in
  start|--rebuild) [[ $command == --rebuild ]] && start --rebuild || start "${2:-}" ;;
  status) status ;;
  stop) stop ;;
  send) client send --count "${2:-100}" --topic "${3:-LocalTest}" ;;
  consume) client consume --count "${2:-100}" --topic "${3:-LocalTest}" ;;
  admin)
    case "${2:-}" in
      clusters|topics) client "$2" ;;
      route) client route --topic "${3:?topic}" ;;
      create-topic) client create-topic --topic "${3:?topic}" --queues "${4:-8}" ;;
      *) echo "admin clusters|topics|route TOPIC|create-topic TOPIC [QUEUES]" >&2; exit 2 ;;
    esac ;;
  logs) tail -n 50 -f "$DATA_DIR/${2:-broker-a-0}/stdout.log" ;;
  *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
