#!/usr/bin/env bash
# Runs the ctsearch processes under supervisord (ops/supervisord.conf): gunicorn serving the
# web, a Celery worker and Celery beat, each restarted if it dies.
#
#   ops/app.sh serve [HOST] [PORT]   all three in the foreground; Ctrl-C stops them
#   ops/app.sh stop                  stop them (from another terminal, or after a crash)
#   ops/app.sh status                one line per process
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
CONF="$ROOT/ops/supervisord.conf"
RUN="$ROOT/var/run"
mkdir -p "$RUN" "$ROOT/var/log"

running() { [ -S "$RUN/supervisor.sock" ] && "$ROOT/.venv/bin/supervisorctl" -c "$CONF" pid >/dev/null 2>&1; }

case "${1:-}" in
  serve)
    host="${2:-127.0.0.1}" port="${3:-8000}"
    if running; then
      echo "ctsearch is already running (ops/app.sh stop stops it)" >&2
      exit 1
    fi
    "$PY" manage.py collectstatic --noinput -v 0
    echo
    echo "  ctsearch is running:  http://$host:$port/   (gunicorn; English at /en/)"
    echo "  Health:               http://$host:$port/healthz"
    echo "  Admin:                http://$host:$port/admin/"
    "$PY" manage.py ensure_demo_admin | sed 's/^/  /'
    echo "  Logs:                 var/log/web.log, worker.log, beat.log"
    echo "  Stop with Ctrl-C (services keep running; 'make stop' stops them)."
    echo
    export GUNICORN_BIND="$host:$port"
    exec "$ROOT/.venv/bin/supervisord" -c "$CONF"
    ;;
  stop)
    if running; then
      pid="$(cat "$RUN/supervisord.pid")"
      "$ROOT/.venv/bin/supervisorctl" -c "$CONF" shutdown >/dev/null
      # supervisord exits after its processes have stopped (a worker may finish a task first).
      for _ in $(seq 1 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    ;;
  status)
    if running; then
      "$ROOT/.venv/bin/supervisorctl" -c "$CONF" status || true
    else
      echo "web, worker, beat  down"
    fi
    ;;
  *) echo "usage: $0 serve [HOST] [PORT] | stop | status" >&2; exit 2 ;;
esac
