#!/usr/bin/env bash
# Installs and runs ctsearch's local services -- PostgreSQL, Redis and OpenSearch -- under var/.
#
#   ops/services.sh install   install what is missing (Debian packages, OpenSearch jars)
#   ops/services.sh start     start all three (idempotent) and wait until each is healthy
#   ops/services.sh stop      stop all three
#   ops/services.sh status    one line per service
#
# No Docker needed: PostgreSQL and Redis come from Debian's packages, OpenSearch 2.19 from
# Maven Central (ops/opensearch/pom.xml). Everything they write lives under var/ (git-ignored).
# The ports are ctsearch's own so nothing else on the machine is disturbed; keep them in step
# with the defaults in ctsearch/settings.py.
#
# CTSEARCH_PG_PORT, CTSEARCH_REDIS_PORT, CTSEARCH_OPENSEARCH_PORT and CTSEARCH_VAR_DIR (where
# data, logs and pid files go) start a second, disposable set beside the first: the fault tests
# (tests/faults) kill and restart theirs, never the one `make services` runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="${CTSEARCH_VAR_DIR:-$ROOT/var}"
LOG="$VAR/log"
RUN="$VAR/run"

PG_PORT="${CTSEARCH_PG_PORT:-55432}"
REDIS_PORT="${CTSEARCH_REDIS_PORT:-56379}"
OPENSEARCH_PORT="${CTSEARCH_OPENSEARCH_PORT:-59200}"
OPENSEARCH_HEAP="${CTSEARCH_OPENSEARCH_HEAP:-1g}"
# OpenSearch's own jvm.options for G1: collect early and keep a reserve, so the real-memory
# circuit breaker (95% of the heap) sees live data, not garbage a collection would free. Without
# them a 1 GB node answered 429 "Data too large" to requests while its old generation held 370 MB.
OPENSEARCH_GC="-XX:+UseG1GC -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30"

PG_DIR="$VAR/postgres"
PG_DATA="$PG_DIR/data"
OS_DIR="$VAR/opensearch"
OS_JAR="$ROOT/ops/opensearch/target/ctsearch-opensearch-node-1.0.jar"
# The jars are built once per checkout, whatever CTSEARCH_VAR_DIR says (ops/cluster.sh too).
OS_LIB="$ROOT/var/opensearch/lib"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------- install ---
apt_install() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  pg_bindir >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib)
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  command -v msgfmt >/dev/null || missing+=(gettext)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v npm >/dev/null || missing+=(npm)
  if ((${#missing[@]})); then
    [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; run as root or install them with apt-get"
    say "installing from Debian: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

opensearch_install() {
  local lib="$OS_LIB" stamp="$OS_LIB/.built-from"
  local want
  want="$(sha256sum "$ROOT/ops/opensearch/pom.xml" "$ROOT"/ops/opensearch/src/main/java/ctsearch/opensearch/*.java | sha256sum | cut -c1-16)"
  if [ -f "$OS_JAR" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  say "fetching OpenSearch 2.19 from Maven Central (first run only)"
  mkdir -p "$lib"
  rm -f "$lib"/*.jar
  (cd "$ROOT/ops/opensearch" &&
    mvn -q -B -ntp package dependency:copy-dependencies -DoutputDirectory="$lib" >"$LOG/opensearch-build.log" 2>&1) ||
    { tail -30 "$LOG/opensearch-build.log" >&2; die "could not build the OpenSearch node (log: var/log/opensearch-build.log)"; }
  echo "$want" >"$stamp"
}

# axe-core (Deque's accessibility rules engine) for the browser tests' WCAG 2 AA checks, from
# the npm registry into the git-ignored .cache/ (pinned: a new rule must not fail CI unasked).
AXE_VERSION=4.10.3
axe_install() {
  local dir="$ROOT/.cache/axe-core-$AXE_VERSION"
  [ -f "$dir/node_modules/axe-core/axe.min.js" ] && return
  say "fetching axe-core $AXE_VERSION from the npm registry (first run only)"
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "axe-core@$AXE_VERSION" >"$LOG/axe-install.log" 2>&1 ||
    { tail -20 "$LOG/axe-install.log" >&2; die "could not install axe-core (log: var/log/axe-install.log)"; }
}

install_all() {
  mkdir -p "$LOG" "$RUN"
  apt_install
  opensearch_install
  axe_install
}

# ------------------------------------------------------------------------------- postgresql ---
pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$d" ] && [ -x "$d/initdb" ] || return 1
  echo "$d"
}

as_postgres() { runuser -u postgres -- "$@"; }

# PostgreSQL refuses to run as root, so the cluster belongs to the postgres user, who must be
# able to reach var/postgres. A checkout under a private home directory blocks that; open the
# directories on the way for traversal only (x, not r).
let_postgres_in() {
  local d="$PG_DIR"
  while [ "$d" != "/" ]; do
    if ! as_postgres test -x "$d" 2>/dev/null; then chmod o+x "$d"; fi
    d="$(dirname "$d")"
  done
}

pg_running() { [ -f "$PG_DATA/postmaster.pid" ] && as_postgres "$(pg_bindir)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

pg_start() {
  local bin; bin="$(pg_bindir)" || die "PostgreSQL is not installed (run: ops/services.sh install)"
  id postgres >/dev/null 2>&1 || die "there is no postgres user; reinstall the postgresql package"
  mkdir -p "$PG_DIR" "$RUN"
  chown postgres:postgres "$PG_DIR"
  let_postgres_in
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "creating the PostgreSQL cluster in var/postgres"
    # Local development only: the server listens on loopback and trusts local connections.
    as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$LOG/postgres-initdb.log"
  fi
  if pg_running; then
    say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    touch "$LOG/postgres.log" && chown postgres "$LOG/postgres.log"
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$LOG/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=${CTSEARCH_PG_FSYNC:-on}" start >/dev/null ||
      { tail -20 "$LOG/postgres.log" >&2; die "PostgreSQL did not start"; }
  fi
  pg_bootstrap
}

pg_bootstrap() {
  local psql=("$(pg_bindir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [ "$("${psql[@]}" -c "select 1 from pg_roles where rolname='ctsearch'")" != 1 ]; then
    # Superuser so the test runner can create its database and django-postgres-extra its
    # extensions. Local only; production uses whatever DATABASE_URL names.
    "${psql[@]}" -c "create role ctsearch login superuser"
  fi
  if [ "$("${psql[@]}" -c "select 1 from pg_database where datname='ctsearch'")" != 1 ]; then
    "${psql[@]}" -c "create database ctsearch owner ctsearch"
  fi
}

pg_stop() {
  local bin; bin="$(pg_bindir)" || return 0
  if pg_running; then
    say "stopping PostgreSQL"
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
}

# ------------------------------------------------------------------------------------ redis ---
redis_ping() { (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3 | grep -q PONG) 2>/dev/null; }

redis_start() {
  mkdir -p "$VAR/redis" "$RUN"
  if redis_ping; then say "Redis already running on 127.0.0.1:$REDIS_PORT"; return; fi
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$LOG/redis.log" --appendonly yes >/dev/null
  for _ in $(seq 1 50); do redis_ping && return; sleep 0.1; done
  tail -20 "$LOG/redis.log" >&2; die "Redis did not start"
}

redis_stop() {
  local pid
  pid="$(cat "$RUN/redis.pid" 2>/dev/null)" || return 0
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping Redis"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

# ------------------------------------------------------------------------------- opensearch ---
os_healthy() { curl -fsS -m 2 "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; }
# The node's pid, if it is running (a process killed a moment ago may linger as a zombie).
os_pid() {
  local pid
  pid="$(cat "$RUN/opensearch.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null &&
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] && echo "$pid"
}

opensearch_start() {
  # A node started from older jars lacks what the app now asks of it (the ctsearch_whole
  # highlighter, say): restart a node this script started from another build (or before it
  # recorded builds).
  if os_pid >/dev/null &&
    [ "$(cat "$RUN/opensearch.built" 2>/dev/null)" != "$(cat "$OS_LIB/.built-from" 2>/dev/null)" ]; then
    say "OpenSearch was started from an older build of ops/opensearch: restarting it"
    opensearch_stop
  fi
  if os_healthy; then say "OpenSearch already running on 127.0.0.1:$OPENSEARCH_PORT"; return; fi
  [ -f "$OS_JAR" ] || die "OpenSearch is not installed (run: ops/services.sh install)"
  local started=""
  for _ in $(seq 1 180); do
    os_healthy && { say "OpenSearch is up"; return; }
    # Not running (or a node killed a moment ago has finished dying): start one, once.
    if ! os_pid >/dev/null; then
      [ -z "$started" ] || { tail -30 "$LOG/opensearch.log" >&2; die "OpenSearch exited (log: $LOG/opensearch.log)"; }
      say "starting OpenSearch 2.19 on 127.0.0.1:$OPENSEARCH_PORT"
      mkdir -p "$OS_DIR/home" "$RUN"
      # setsid: the node outlives the shell that started it (make returns, the node stays).
      setsid nohup java -Xms"$OPENSEARCH_HEAP" -Xmx"$OPENSEARCH_HEAP" $OPENSEARCH_GC \
        -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true \
        -cp "$OS_JAR:$OS_LIB/*" ctsearch.opensearch.LocalNode "$OS_DIR/home" "$OPENSEARCH_PORT" \
        >"$LOG/opensearch.log" 2>&1 </dev/null &
      echo $! >"$RUN/opensearch.pid"
      cp "$OS_LIB/.built-from" "$RUN/opensearch.built"
      started=1
    fi
    sleep 1
  done
  tail -30 "$LOG/opensearch.log" >&2; die "OpenSearch did not become healthy in 180 s"
}

opensearch_stop() {
  local pid
  if pid="$(os_pid)"; then
    say "stopping OpenSearch"
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$RUN/opensearch.pid" "$RUN/opensearch.built"
}

status() {
  if pg_running 2>/dev/null; then echo "postgresql  up    127.0.0.1:$PG_PORT"; else echo "postgresql  down"; fi
  if redis_ping; then echo "redis       up    127.0.0.1:$REDIS_PORT"; else echo "redis       down"; fi
  if os_healthy; then echo "opensearch  up    127.0.0.1:$OPENSEARCH_PORT"; else echo "opensearch  down"; fi
}

case "${1:-}" in start*) mkdir -p "$LOG" "$RUN" ;; esac
case "${1:-}" in
  install) install_all ;;
  start) install_all; pg_start; redis_start; opensearch_start ;;
  stop) opensearch_stop; redis_stop; pg_stop ;;
  status) status ;;
  start-postgres) pg_start ;;
  stop-postgres) pg_stop ;;
  start-redis) redis_start ;;
  stop-redis) redis_stop ;;
  start-opensearch) opensearch_start ;;
  stop-opensearch) opensearch_stop ;;
  *) echo "usage: $0 install|start|stop|status|start-SERVICE|stop-SERVICE" >&2; exit 2 ;;
esac
