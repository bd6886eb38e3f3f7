#!/usr/bin/env bash
# Runs the whole test suite against the real services `make services` started, then (when run
# without arguments, as `make test` and CI do) the fault tests, which start, kill and restart
# services of their own (tests/faults; `make faults` runs them alone).
# pytest's exit status 5 ("no tests collected") is a failure here: a green run must test.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CTSEARCH_ENV=test

run() {
  .venv/bin/pytest "$@"
  local status=$?
  if [ "$status" = 5 ]; then
    echo "error: pytest collected no tests" >&2
    return 1
  fi
  return "$status"
}

run "$@" || exit $?
if [ "$#" = 0 ]; then
  CTSEARCH_FAULTS_TESTS=1 run -q -p no:cacheprovider -m faults tests/faults || exit $?
fi
