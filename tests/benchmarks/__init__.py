import importlib.util
import runpy
import sys
from pathlib import Path

import keras

# The keys of a step row: train_step.measure_step's and plain_pytorch_step's
# (train_step.py then adds `peak_dtype` and `fraction_of_peak` to both).
STEP_ROW_KEYS = frozenset(
    {
        "config",
        "mode",
        "precision",
        "image_size",
        "batch_size",
        "first_step_s",
        "median_step_s",
        "min_step_s",
        "steps",
        "finite_loss",
        "flops",
        "gflops",
        "flops_breakdown",
    }
)


def run_benchmark(script, arguments, capsys, monkeypatch):
    """Runs `script` as `__main__` with `arguments` in this process, under the
    active backend; returns `(backend, what it printed)`.

    In this process rather than a fresh one: a fresh interpreter imports the
    backend again (about 15 s of the CI's time per run on TensorFlow). That the
    scripts start and import in a fresh interpreter is checked once, by
    `test_profile_step.test_op_table_needs_tensorflow_or_torch` (profile_step.py
    imports train_step.py; in the JAX lane).
    """
    monkeypatch.setattr(sys, "argv", [str(script), *arguments])
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script prepends its folder
    runpy.run_path(str(script), run_name="__main__")
    return keras.backend.backend(), capsys.readouterr().out


def load_benchmark(name):
    """The module `benchmarks/<name>.py`, imported from its file (the scripts
    are not a package), for tests of its functions."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
