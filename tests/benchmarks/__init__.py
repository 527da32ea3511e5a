import os
import subprocess
import sys


def run_benchmark(script, arguments):
    """Runs `script` in a fresh Python under the active backend; returns
    `(backend, completed process)` after checking that it succeeded."""
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    completed = subprocess.run(
        [sys.executable, str(script), *arguments],
        env=dict(os.environ, KERAS_BACKEND=backend),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return backend, completed
