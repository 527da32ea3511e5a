import json
import os
from pathlib import Path

import keras
import pytest

from tests.benchmarks import STEP_ROW_KEYS
from tests.benchmarks import load_benchmark
from tests.benchmarks import run_benchmark

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "train_step.py"
# One compile mode per backend keeps the run short (XLA compiles take longest);
# the full benchmark runs every mode.
FIRST_MODE = {"tensorflow": "tf", "jax": "jax-jit", "torch": "torch-eager"}
STEP_KEYS = STEP_ROW_KEYS | {"peak_dtype", "fraction_of_peak"}


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
        # Exactly: the plain-PyTorch rows are checked against the same keys.
        assert set(row) == STEP_KEYS
        assert row["config"] == "cpu" and row["image_size"] == 32
        assert row["median_step_s"] > 0 and row["flops"] > 0
        assert row["fraction_of_peak"] > 0
    # The table went to stdout, and the same JSON as its last line.
    assert "GFLOP/s" in stdout
    assert json.loads(stdout.strip().splitlines()[-1]) == result


PLAIN_ONE_BACKEND = pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="the plain-PyTorch row comes from its own process, whatever the Keras "
    "backend: one backend (PyTorch) checks how train_step.py runs and merges it",
)


@PLAIN_ONE_BACKEND
def test_with_plain_pytorch_adds_the_row_and_ratios(capsys, monkeypatch):
    train_step = load_benchmark("train_step")
    ours_seconds = {"float32": 0.5}

    def known_step(config, mode, jit_compile, precision, image_size, batch, args):
        # Our own step is timed by test_quick_run_writes_json; a row of known
        # time here makes the ratio known by construction.
        seconds = ours_seconds[precision]
        return {
            "config": config,
            "mode": mode,
            "precision": precision,
            "image_size": image_size,
            "batch_size": batch,
            "first_step_s": seconds,
            "median_step_s": seconds,
            "min_step_s": seconds,
            "steps": args.steps,
            "finite_loss": True,
            "flops": 10**9,
            "gflops": 1e9 / seconds / 1e9,
            "flops_breakdown": {},
        }

    monkeypatch.setattr(train_step, "measure_step", known_step)
    # The plain script in this process rather than its own: no second import
    # of PyTorch (its optimizers import torch._dynamo: seconds of CPU). Its own
    # process is checked by test_plain_pytorch_failure_is_reported.
    plain_script = load_benchmark("plain_pytorch_step")
    calls = []

    def run_plain(arguments):
        calls.append(arguments)
        return plain_script.main(arguments)

    monkeypatch.setattr(train_step, "run_plain_pytorch_step", run_plain)
    import torch

    threads = torch.get_num_threads()
    try:
        result = train_step.main(
            ["--quick", "--configs", "paper", "--modes", FIRST_MODE["torch"]]
            + ["--batch", "1", "--steps", "1", "--warmup", "0"]
            + ["--matmul-sizes", "64", "--torch-threads", "1"]
            + ["--precisions", "float32", "--vgg", "vgg16", "--with-plain-pytorch"]
        )
    finally:
        torch.set_num_threads(threads)
    # The plain step gets our size, batch, VGG, steps and threads.
    (arguments,) = calls
    options = dict(zip(arguments[::2], arguments[1::2], strict=True))
    assert options == {
        "--image-size": "32",
        "--batch": "1",
        "--keypoints": "10",
        "--vgg": "vgg16",
        "--precisions": "float32",
        "--steps": "1",
        "--warmup": "0",
        "--threads": "1",
    }
    assert result["failures"] == []
    assert result["settings"]["with_plain_pytorch"]
    ours = [row for row in result["steps"] if row["mode"] == "torch-eager"]
    plain = [row for row in result["steps"] if row["mode"] == "plain-pytorch"]
    # bfloat16 rows come the same way (the plain script's own tests run them).
    assert [row["precision"] for row in plain] == ["float32"]
    for row, mine in zip(plain, ours, strict=True):
        assert STEP_KEYS <= set(row)
        assert (row["config"], row["image_size"], row["batch_size"]) == (
            "paper",
            32,
            1,
        )
        assert row["finite_loss"] and row["flops"] > 0
        assert "speed_vs_plain_pytorch" not in row
        assert mine["speed_vs_plain_pytorch"] == pytest.approx(
            row["median_step_s"] / ours_seconds[row["precision"]]
        )
    assert "plain-pytorch" in capsys.readouterr().out


@PLAIN_ONE_BACKEND
def test_plain_pytorch_failure_is_reported():
    train_step = load_benchmark("train_step")
    with pytest.raises(RuntimeError, match="exited with 2") as raised:
        train_step.run_plain_pytorch_step(["--precisions", "float16"])
    # The script's own message, from its stderr.
    assert "Received: ['float16']" in str(raised.value)


@PLAIN_ONE_BACKEND
def test_with_plain_pytorch_needs_the_paper_config(capsys):
    train_step = load_benchmark("train_step")
    with pytest.raises(SystemExit) as raised:
        train_step.parse_args(["--configs", "cpu", "--with-plain-pytorch"])
    assert raised.value.code == 2
    assert "add 'paper' to --configs" in capsys.readouterr().err
