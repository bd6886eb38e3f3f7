#!/usr/bin/env bash
# A 3-node OpenSearch cluster on this machine, from the same jars as ops/services.sh's node:
# for trying ctsearch against a cluster that loses a node (make failover), not for production.
#
#   ops/cluster.sh start     start the nodes (idempotent) and wait until the cluster is formed
#   ops/cluster.sh stop      stop them
#   ops/cluster.sh status    the cluster's health and one line per node
#   ops/cluster.sh urls      the OPENSEARCH_URL that names every node
#   ops/cluster.sh kill N    SIGKILL node N (1-based), as a crash would
#
# CTSEARCH_CLUSTER_PORT (59210): node N answers HTTP on PORT+N-1 and its transport on that +100.
# CTSEARCH_CLUSTER_NODES (3), CTSEARCH_CLUSTER_HEAP (384m per node).
# CTSEARCH_VAR_DIR (var/): data under cluster/node-PORT, logs and pid files beside services'.
# Every node may become cluster manager, so any one of them may be lost. Point ctsearch at it:
#   OPENSEARCH_URL="$(ops/cluster.sh urls)" OPENSEARCH_REPLICAS=1 manage.py search_index rebuild
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="${CTSEARCH_VAR_DIR:-$ROOT/var}"
LOG="$VAR/log"
RUN="$VAR/run"
BASE="${CTSEARCH_CLUSTER_PORT:-59210}"
NODES="${CTSEARCH_CLUSTER_NODES:-3}"
HEAP="${CTSEARCH_CLUSTER_HEAP:-384m}"
# As ops/services.sh starts its node (OpenSearch's own G1 settings).
OPENSEARCH_GC="-XX:+UseG1GC -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30"
OS_JAR="$ROOT/ops/opensearch/target/ctsearch-opensearch-node-1.0.jar"
OS_LIB="$ROOT/var/opensearch/lib"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ports() { seq "$BASE" $((BASE + NODES - 1)); }
node_pid() {
  local pid
  pid="$(cat "$RUN/cluster-$1.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null &&
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] && echo "$pid"
}
urls() { ports | sed 's|^|http://127.0.0.1:|' | paste -sd, -; }
health() {
  local port
  for port in $(ports); do
    curl -fsS -m 3 "http://127.0.0.1:$port/_cluster/health$1" 2>/dev/null && return
  done
  return 1
}

start() {
  # The jars are built (and rebuilt when ops/opensearch changes) by ops/services.sh install.
  "$ROOT/ops/services.sh" install >/dev/null
  mkdir -p "$LOG" "$RUN"
  local members port
  members="$(ports | paste -sd, -)"
  for port in $(ports); do
    node_pid "$port" >/dev/null && continue
    say "starting cluster node on 127.0.0.1:$port"
    mkdir -p "$VAR/cluster/node-$port"
    setsid nohup java -Xms"$HEAP" -Xmx"$HEAP" $OPENSEARCH_GC \
      -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true \
      -cp "$OS_JAR:$OS_LIB/*" ctsearch.opensearch.LocalNode "$VAR/cluster/node-$port" "$port" "$members" \
      >"$LOG/cluster-$port.log" 2>&1 </dev/null &
    echo $! >"$RUN/cluster-$port.pid"
  done
  for _ in $(seq 1 240); do
    if health "?wait_for_nodes=$NODES&wait_for_status=yellow&timeout=1s" >/dev/null; then
      say "cluster of $NODES nodes is up: OPENSEARCH_URL=$(urls)"
      return
    fi
    for port in $(ports); do
      node_pid "$port" >/dev/null || { tail -30 "$LOG/cluster-$port.log" >&2; die "node $port exited"; }
    done
    sleep 1
  done
  die "the cluster did not form in 240 s (logs: $LOG/cluster-*.log)"
}

stop() {
  local port pid
  for port in $(ports); do
    if pid="$(node_pid "$port")"; then
      say "stopping cluster node $port"
      kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$RUN/cluster-$port.pid"
  done
}

status() {
  health "" || echo '{"status": "down"}'
  echo
  local port
  for port in $(ports); do
    if node_pid "$port" >/dev/null; then echo "node-$port  up"; else echo "node-$port  down"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  urls) urls ;;
  kill)
    port=$((BASE + ${2:?which node, 1-$NODES} - 1))
    pid="$(node_pid "$port")" || die "node $port is not running"
    kill -9 "$pid"
    ;;
  *) echo "usage: $0 start|stop|status|urls|kill N" >&2; exit 2 ;;
esac
