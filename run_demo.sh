#!/usr/bin/env bash
# The main job on a fresh machine: create .venv, install, train on synthetic faces
# for 10 minutes, evaluate with the paper's protocol, print the table, write pictures.
#   ./run_demo.sh                     # results in runs/demo
#   ./run_demo.sh --minutes 5 --out runs/quick
# Running it again with the same --out resumes an interrupted run.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
export TF_CPP_MIN_LOG_LEVEL=2
exec keras-landmarks --backend "${KERAS_BACKEND:-tensorflow}" demo "$@"
