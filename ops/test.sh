#!/usr/bin/env bash
# Runs the whole test suite against the real services `make services` started.
# pytest's exit status 5 ("no tests collected") is a failure here: a green run must test.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CTSEARCH_ENV=test
.venv/bin/pytest "$@"
status=$?
if [ "$status" = 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
