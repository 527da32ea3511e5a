#!/usr/bin/env bash
# The test suite, once per Keras backend, each in its own process.
#   ./run_tests.sh                 # all three backends
#   BACKENDS=jax ./run_tests.sh    # one backend
#   ./run_tests.sh -k bottleneck   # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
status=0
for backend in ${BACKENDS:-tensorflow jax torch}; do
  echo "===== KERAS_BACKEND=$backend ====="
  start=$(date +%s)
  if KERAS_BACKEND="$backend" python -m pytest -q -rs -p no:cacheprovider "$@"; then
    echo "===== $backend: passed in $(( $(date +%s) - start )) s ====="
  else
    echo "===== $backend: FAILED after $(( $(date +%s) - start )) s ====="
    status=1
  fi
done
exit "$status"
