#!/usr/bin/env bash
# The test suite, once per Keras backend, each in its own process.
#   ./run_tests.sh                 # all three backends, side by side
#   BACKENDS=jax ./run_tests.sh    # one backend, output live
#   PARALLEL=0 ./run_tests.sh      # the backends one after the other, output live
#   ./run_tests.sh -k bottleneck   # extra arguments go to pytest
# Side by side, each backend writes to .test-logs/<backend>.log, printed when it
# ends. A test process uses under one core on average (tracing, compiling and
# subprocess start-up are single-threaded), so the three overlap well even on two
# cores; PyTorch then runs one thread, because its OpenMP threads spin and slow
# everything down when the cores are shared.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
read -r -a backends <<< "${BACKENDS:-tensorflow jax torch}"
parallel="${PARALLEL:-1}"
if (( ${#backends[@]} < 2 )); then
  parallel=0
fi

run_backend() {  # backend, then pytest arguments; prints a one-line verdict
  local backend=$1 start
  shift
  start=$(date +%s)
  # --durations: the slowest tests of each backend, to keep the suite's time in view.
  if KERAS_BACKEND="$backend" python -m pytest -q -rs -p no:cacheprovider \
      --durations=25 "$@"; then
    echo "===== $backend: passed in $(( $(date +%s) - start )) s ====="
  else
    echo "===== $backend: FAILED after $(( $(date +%s) - start )) s ====="
    return 1
  fi
}

status=0
start=$(date +%s)
if [[ "$parallel" == 0 ]]; then
  for backend in "${backends[@]}"; do
    echo "===== KERAS_BACKEND=$backend ====="
    run_backend "$backend" "$@" || status=1
  done
else
  mkdir -p .test-logs
  pids=()
  for backend in "${backends[@]}"; do
    (
      if [[ "$backend" == torch ]]; then
        export OMP_NUM_THREADS=1
      fi
      run_backend "$backend" "$@"
    ) > ".test-logs/$backend.log" 2>&1 &
    pids+=($!)
    echo "===== KERAS_BACKEND=$backend: started, log in .test-logs/$backend.log ====="
  done
  for i in "${!backends[@]}"; do
    wait "${pids[$i]}" || status=1
    echo "===== KERAS_BACKEND=${backends[$i]} ====="
    cat ".test-logs/${backends[$i]}.log"
  done
fi
echo "===== all backends: $( (( status )) && echo FAILED || echo passed ) in $(( $(date +%s) - start )) s ====="
exit "$status"
