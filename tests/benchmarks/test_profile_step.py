import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest

from tests.benchmarks import load_benchmark
from tests.benchmarks import run_benchmark

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "profile_step.py"
PARTS = [
    "full step",
    "VGG forward, one batch",
    "step without VGG (trainable nets)",
    "VGG share (full - without)",
]


@pytest.mark.slow
def test_tiny_profile_writes_json(tmp_path, capsys, monkeypatch):
    out = tmp_path / "profile.json"
    arguments = ["--image-size", "32", "--batch", "2", "--steps", "1", "--warmup", "0"]
    # VGG-16, the smaller of the two loss networks: the same code path, less to
    # trace and compile.
    arguments += ["--vgg", "vgg16", "--json", str(out)]
    if os.environ.get("KERAS_BACKEND", "tensorflow") in ("torch", "tensorflow"):
        arguments.append("--op-table")
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "torch":
        arguments.append("--op-shapes")
    backend, stdout = run_benchmark(SCRIPT, arguments, capsys, monkeypatch)
    result = json.loads(out.read_text())
    assert result["backend"] == backend
    rows = {row["part"]: row for row in result["rows"]}
    assert list(rows) == PARTS
    for name in PARTS[:3]:
        assert rows[name]["seconds"] > 0 and rows[name]["gflop"] > 0
    assert rows["full step"]["share_of_step"] == 1.0
    # The VGG's FLOPs: two forward passes and one input gradient of the same
    # network, so more than the one forward pass timed alone.
    assert rows["VGG share (full - without)"]["gflop"] > rows[PARTS[1]]["gflop"]
    if backend == "torch":
        assert "aten::" in result["torch_op_table"]
        # --op-shapes: a row per input shape, e.g. a copy of a kernel.
        assert "Input Shapes" in result["torch_op_table"]
        assert "[[" in result["torch_op_table"]
    if backend == "tensorflow":
        table = result["tensorflow_op_table"].splitlines()
        # Operator types from the trace, convolutions among them, no wrappers.
        types = [line.split()[0] for line in table[1:-1]]
        assert any("Conv2D" in name for name in types), table
        assert not {"Process", "Run"} & set(types)
        assert not any(name.startswith("__") for name in types)
        assert float(table[-1].split()[-1]) > 0  # the summed milliseconds
    assert "GFLOP/s" in stdout


def test_op_table_needs_tensorflow_or_torch():
    if os.environ.get("KERAS_BACKEND", "tensorflow") != "jax":
        pytest.skip("the error is for JAX")
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--op-table"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 2
    assert "--op-table needs KERAS_BACKEND=tensorflow or torch" in completed.stderr


def test_op_shapes_needs_the_torch_op_table(capsys, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script prepends its folder
    profile_step = load_benchmark("profile_step")
    with pytest.raises(SystemExit) as exit_info:
        profile_step.main(["--op-shapes"])
    assert exit_info.value.code == 2
    assert "--op-shapes goes with --op-table on KERAS_BACKEND=torch" in (
        capsys.readouterr().err
    )


@pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="the plain-PyTorch step is profiled in its own process, whatever the "
    "Keras backend: one backend (PyTorch) checks the wiring",
)
def test_plain_op_table(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script prepends its folder
    profile_step = load_benchmark("profile_step")
    plain = load_benchmark("plain_pytorch_step")
    # In this process rather than its own: no second import of PyTorch (its
    # optimizers import torch._dynamo, seconds of CPU). test_train_step runs
    # the script in its own process the same way (`run_plain_pytorch_step`).
    monkeypatch.setattr(profile_step, "run_plain_pytorch_step", plain.main)
    table = profile_step.plain_op_table(
        image_size=32,
        batch_size=1,
        vgg="vgg16",
        steps=1,
        warmup=0,
        precision="float32",
        limit=10,
    )
    # Rows only: no separators, no header, no total (both say "Self CPU").
    lines = [
        line
        for line in table.splitlines()
        if line.strip() and not line.startswith("-") and "Self CPU" not in line
    ]
    # The 10 operators with the most self CPU time, convolutions among them
    # (at batch 1 PyTorch picks `_slow_conv2d_*` over oneDNN's).
    assert len(lines) == 10
    assert any("aten::" in line and "conv" in line for line in lines)
