#!/usr/bin/env bash
# Runs the ctsearch processes: the web server (foreground), a Celery worker and Celery beat.
#
#   ops/app.sh serve [HOST] [PORT]   worker + beat in the background, web server in front;
#                                    Ctrl-C stops all three
#   ops/app.sh stop                  stop a worker/beat left running
#   ops/app.sh status
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
CELERY="$ROOT/.venv/bin/celery"
RUN="$ROOT/var/run"
LOG="$ROOT/var/log"
mkdir -p "$RUN" "$LOG"

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

start_background() {
  if ! alive worker; then
    "$CELERY" -A ctsearch worker --loglevel=INFO --concurrency=2 --hostname="ctsearch@%h" \
      --pidfile="$RUN/worker.pid" --logfile="$LOG/worker.log" --detach
  fi
  if ! alive beat; then
    "$CELERY" -A ctsearch beat --loglevel=INFO --schedule="$ROOT/var/celerybeat-schedule" \
      --pidfile="$RUN/beat.pid" --logfile="$LOG/beat.log" --detach
  fi
}

stop_background() {
  local name pid
  for name in beat worker; do
    if alive "$name"; then
      pid="$(cat "$RUN/$name.pid")"
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$RUN/$name.pid"
  done
}

case "${1:-}" in
  serve)
    host="${2:-127.0.0.1}" port="${3:-8000}"
    start_background
    trap stop_background EXIT INT TERM
    echo
    echo "  ctsearch is running:  http://$host:$port/"
    echo "  Health:               http://$host:$port/healthz"
    echo "  Admin:                http://$host:$port/admin/"
    "$PY" manage.py ensure_demo_admin | sed 's/^/  /'
    echo "  Worker and beat logs: var/log/worker.log, var/log/beat.log"
    echo "  Stop with Ctrl-C (services keep running; 'make stop' stops them)."
    echo
    "$PY" manage.py runserver "$host:$port"
    ;;
  stop) stop_background ;;
  status)
    for name in worker beat; do
      if alive "$name"; then echo "celery $name  up"; else echo "celery $name  down"; fi
    done
    ;;
  *) echo "usage: $0 serve [HOST] [PORT] | stop | status" >&2; exit 2 ;;
esac
