import json
import os
from pathlib import Path

import pytest

from tests.benchmarks import run_benchmark

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "train_step.py"
# One compile mode per backend keeps the run short (XLA compiles take longest);
# the full benchmark runs every mode.
FIRST_MODE = {"tensorflow": "tf", "jax": "jax-jit", "torch": "torch-eager"}
STEP_KEYS = {
    "config",
    "mode",
    "precision",
    "image_size",
    "batch_size",
    "first_step_s",
    "median_step_s",
    "flops",
    "gflops",
    "peak_dtype",
    "fraction_of_peak",
}


@pytest.mark.slow
def test_quick_run_writes_json(tmp_path, capsys, monkeypatch):
    out = tmp_path / "result.json"
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    _, stdout = run_benchmark(
        SCRIPT,
        [
            "--quick",
            "--configs",
            "cpu",
            "--precisions",
            "float32",
            "--modes",
            FIRST_MODE[backend],
            "--steps",
            "1",
            "--warmup",
            "0",
            "--matmul-sizes",
            "64",
            "--json",
            str(out),
        ],
        capsys,
        monkeypatch,
    )
    result = json.loads(out.read_text())
    assert result["backend"] == backend
    assert result["failures"] == []
    machine = result["machine"]
    assert {"amx_bf16", "avx512_bf16"} <= set(machine["cpu_flags"])
    assert machine["os_cpu_count"] >= 1
    assert {(row["dtype"], row["n"]) for row in result["matmul"]} == {
        ("float32", 64),
        ("bfloat16", 64),
    }
    assert {row["mode"] for row in result["matmul"]} == {FIRST_MODE[backend]}
    assert all(row["gflops"] > 0 for row in result["matmul"])
    assert set(result["peak_gflops"]) == {"float32", "bfloat16"}
    assert [row["mode"] for row in result["steps"]] == [FIRST_MODE[backend]]
    for row in result["steps"]:
        assert STEP_KEYS <= set(row)
        assert row["config"] == "cpu" and row["image_size"] == 32
        assert row["median_step_s"] > 0 and row["flops"] > 0
        assert row["fraction_of_peak"] > 0
    # The table went to stdout, and the same JSON as its last line.
    assert "GFLOP/s" in stdout
    assert json.loads(stdout.strip().splitlines()[-1]) == result
