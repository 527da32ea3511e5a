import json
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest

from keras_landmarks.losses.perceptual_loss import PerceptualLoss
from keras_landmarks.losses.perceptual_loss import RandomLossNetworkWarning
from keras_landmarks.models.presets import paper_model
from keras_landmarks.profiling.flops import landmark_step_flops
from tests.benchmarks import STEP_ROW_KEYS
from tests.benchmarks import load_benchmark
from tests.benchmarks import run_benchmark

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "plain_pytorch_step.py"

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="the plain-PyTorch script uses PyTorch itself, not Keras: what it "
    "computes does not depend on the Keras backend, so it runs on one (PyTorch, "
    "which the process has imported already)",
)


def _count(variables):
    return sum(int(np.prod(v.shape)) for v in variables)


def test_same_parameters_and_flops_as_paper_model():
    plain = load_benchmark("plain_pytorch_step")
    # VGG-16, the reference's loss network; K = 3 rather than the default 10.
    vgg, num_keypoints, image_size, batch_size = "vgg16", 3, 32, 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RandomLossNetworkWarning)
        loss = PerceptualLoss(network=vgg, weights=None, name="reconstruction_loss")
    ours = paper_model(num_keypoints, reconstruction_loss=loss, image_size=image_size)
    model, optimizer = plain.build(image_size, num_keypoints, vgg)

    trainable = sum(p.numel() for p in model.trainable_parameters())
    assert trainable == _count(ours.trainable_variables)
    vgg_weights = _count(ours.reconstruction_loss.network.weights)
    assert sum(p.numel() for p in model.loss.vgg.parameters()) == vgg_weights
    # Batch norm moving statistics: ours' non-trainable weights less the VGG's
    # and the loss normalisers (6 and a ready flag).
    running = sum(b.numel() for name, b in model.named_buffers() if "running_" in name)
    assert running == _count(ours.non_trainable_variables) - vgg_weights - 7

    batch = plain.random_batch(batch_size, image_size)
    flops, by_op = plain.count_step_flops(model, optimizer, batch)
    # The dispatched convolutions of one step equal our analytic count.
    assert flops == landmark_step_flops(ours, batch_size)["total"]
    assert set(by_op) == {"aten.convolution", "aten.convolution_backward"}


def test_tiny_run_rows(tmp_path, capsys, monkeypatch):
    out = tmp_path / "plain.json"
    arguments = ["--image-size", "32", "--batch", "1", "--steps", "1"]
    arguments += ["--warmup", "0", "--op-table", "5", "--json", str(out)]
    # One precision keeps it short: float32 steps run in the FLOP count above.
    arguments += ["--precisions", "mixed_bfloat16"]
    _, stdout = run_benchmark(SCRIPT, arguments, capsys, monkeypatch)
    result = json.loads(out.read_text())
    assert json.loads(stdout.strip().splitlines()[-1]) == result
    rows = result["steps"]
    assert [row["precision"] for row in rows] == ["mixed_bfloat16"]
    for row in rows:
        assert set(row) == STEP_ROW_KEYS  # train_step.py's layout
        assert (row["config"], row["mode"]) == ("paper", "plain-pytorch")
        assert (row["image_size"], row["batch_size"], row["steps"]) == (32, 1, 1)
        assert row["finite_loss"]
        assert 0 < row["min_step_s"] <= row["median_step_s"]
        assert row["gflops"] == pytest.approx(row["flops"] / row["median_step_s"] / 1e9)
        assert row["flops"] == sum(row["flops_breakdown"].values())
    assert list(result["op_tables"]) == ["mixed_bfloat16"]
    assert "aten::convolution_backward" in result["op_tables"]["mixed_bfloat16"]


def test_bfloat16_convolutions_channels_last():
    import torch

    plain = load_benchmark("plain_pytorch_step")
    model, optimizer = plain.build(32, 10, "vgg16")
    dtypes, layouts = [], []

    def record(module, inputs, output):
        dtypes.append(output.dtype)
        layouts.append(inputs[0].is_contiguous(memory_format=torch.channels_last))

    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            module.register_forward_hook(record)
    loss = plain.train_step(
        model, optimizer, plain.random_batch(1, 32), "mixed_bfloat16"
    )
    # Every convolution of the step: detector 8 + 1, appearance encoder 8,
    # generator 7 + 1, VGG-16 to conv5_2 12 twice; the loss in float32.
    assert len(dtypes) == 9 + 8 + 8 + 2 * 12
    assert set(dtypes) == {torch.bfloat16}
    assert all(layouts)  # channels-last inputs throughout
    assert loss.dtype == torch.float32 and torch.isfinite(loss)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--precisions", "float16"], "Received: ['float16']"),
        (["--steps", "0"], "--steps must be >= 1"),
        (["--image-size", "20"], None),
    ],
)
def test_bad_arguments(arguments, message, capsys):
    plain = load_benchmark("plain_pytorch_step")
    if message is None:
        with pytest.raises(ValueError, match="Received: image_size=20"):
            plain.main(arguments + ["--steps", "1"])
        return
    with pytest.raises(SystemExit) as raised:
        plain.parse_args(arguments)
    assert raised.value.code == 2
    assert message in capsys.readouterr().err
