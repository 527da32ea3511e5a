# Sourced by run_demo.sh and run_tests.sh: make sure a Python environment with
# keras-landmarks and all three backends is active.
#   - Inside an active virtual environment (or with KERAS_LANDMARKS_NO_VENV=1) it
#     installs into that environment.
#   - Otherwise it creates ./.venv (once) and activates it.
# Installing is idempotent: a second run only checks the requirements.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${VIRTUAL_ENV:-}" && -z "${KERAS_LANDMARKS_NO_VENV:-}" ]]; then
  if [[ ! -x "$repo/.venv/bin/python" ]]; then
    echo "[bootstrap] creating $repo/.venv"
    python3 -m venv "$repo/.venv"
  fi
  # shellcheck disable=SC1091
  source "$repo/.venv/bin/activate"
fi
echo "[bootstrap] installing keras-landmarks[all] into $(python -c 'import sys; print(sys.prefix)')"
python -m pip install --quiet --disable-pip-version-check --upgrade pip
python -m pip install --quiet --disable-pip-version-check -e "$repo[all]"
# TensorFlow Serving's request protos, for the export tests. --no-deps: the
# package requires the full `tensorflow`, which must never sit beside
# tensorflow-cpu; the protos it needs come with tensorflow-cpu.
python -m pip install --quiet --disable-pip-version-check --no-deps "tensorflow-serving-api==2.21.0"
