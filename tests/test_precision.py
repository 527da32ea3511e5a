"""Tests for the precision choice and for training under a mixed dtype policy."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.export import export_saved_model
from keras_landmarks.precision import CPU_FLAGS_ENV
from keras_landmarks.precision import announce_precision
from keras_landmarks.precision import apply_precision
from keras_landmarks.precision import detect_accelerator
from keras_landmarks.precision import precision_cpu_flags
from keras_landmarks.precision import read_cpu_flags
from keras_landmarks.precision import resolve_precision
from tests.helpers import tiny_model
from tests.helpers import to_numpy
from tests.helpers import toy_pairs

AMX = {"fpu", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"}
AVX512_BF16 = {"fpu", "avx512f", "avx512_bf16"}
PLAIN = {"fpu", "sse2", "avx2"}

# Keypoints in [-1, 1] of a mixed_bfloat16 model vs the same weights in float32.
# bfloat16 keeps 8 significant bits: every conv output is rounded to a relative
# 2^-9 (0.2%). The He-scaled test weights give heatmap logits up to ~170, so the
# logits move by up to ~2 (measured 2.09) and the peaked soft-argmax by up to
# 0.039 (measured on all three backends; 0.6 px of the 32 px image). 0.06 leaves
# a margin; float16 (11 significant bits) measured 0.010.
BF16_KEYPOINT_ATOL = 0.06
F16_KEYPOINT_ATOL = 0.02
# Over 6 fit steps the mixed run's loss tracks the float32 run's to 3e-5 relative
# and its normalisers to 0.8% (measured); the normalisers are running means of
# the bfloat16 feature differences, so they inherit a few 2^-9 roundings.
LOSS_RTOL = 1e-3
NORMALIZER_RTOL = 3e-2


def he_weights(model, seed=0):
    """The model's weights with He-normal conv kernels instead of the reference's
    std-0.01 init, which leaves every heatmap flat and every keypoint near 0."""
    rng = np.random.default_rng(seed)
    weights = []
    for variable in model.weights:
        value = to_numpy(variable)
        if variable.path.endswith("kernel") and value.ndim == 4:
            std = np.sqrt(2.0 / np.prod(value.shape[:3]))
            value = rng.normal(0.0, std, value.shape).astype("float32")
        weights.append(value)
    return weights


def float32_and_mixed(policy, **kwargs):
    """Two tiny models with the same (He) weights: float32 and under `policy`."""
    keras.config.set_dtype_policy("float32")
    reference = tiny_model(**kwargs)
    weights = he_weights(reference)
    reference.set_weights(weights)
    keras.config.set_dtype_policy(policy)
    mixed = tiny_model(**kwargs)
    keras.config.set_dtype_policy("float32")
    mixed.set_weights(weights)
    return reference, mixed


# --- resolve_precision -------------------------------------------------------


@pytest.mark.parametrize(
    "backend, flags, jit_compile, expected",
    [
        ("tensorflow", AMX, "auto", "mixed_bfloat16"),
        ("tensorflow", AMX, True, "float32"),
        ("tensorflow", AVX512_BF16, "auto", "float32"),
        ("tensorflow", PLAIN, "auto", "float32"),
        ("torch", AMX, "auto", "mixed_bfloat16"),
        ("torch", AVX512_BF16, "auto", "float32"),
        ("torch", PLAIN, "auto", "float32"),
        ("jax", AMX, "auto", "float32"),
        ("jax", AVX512_BF16, "auto", "float32"),
        ("jax", PLAIN, "auto", "float32"),
    ],
)
def test_auto_on_a_cpu(backend, flags, jit_compile, expected):
    policy, reason = resolve_precision(
        "auto",
        backend=backend,
        cpu_flags=flags,
        accelerator=None,
        jit_compile=jit_compile,
    )
    assert policy == expected
    assert ("AMX-BF16 found" in reason) == ("amx_bf16" in flags)


def test_auto_on_this_backend_with_and_without_amx():
    backend = keras.backend.backend()
    with_amx, reason = resolve_precision(cpu_flags=AMX, accelerator=None)
    without, _ = resolve_precision(cpu_flags=PLAIN, accelerator=None)
    assert with_amx == ("float32" if backend == "jax" else "mixed_bfloat16"), reason
    assert without == "float32"


@pytest.mark.parametrize(
    "accelerator, expected",
    [
        (("gpu", 9), "mixed_bfloat16"),
        (("gpu", 8), "mixed_bfloat16"),
        (("gpu", 7), "mixed_float16"),
        (("gpu", None), "mixed_float16"),
        (("tpu", None), "mixed_bfloat16"),
    ],
)
@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_auto_on_an_accelerator(backend, accelerator, expected):
    # The CPU flags do not matter once there is an accelerator.
    policy, _ = resolve_precision(
        backend=backend, cpu_flags=AMX, accelerator=accelerator
    )
    assert policy == expected


def test_explicit_and_invalid_precision():
    for name in ("float32", "mixed_bfloat16", "mixed_float16"):
        assert resolve_precision(name) == (name, "requested")
    with pytest.raises(ValueError, match="Received: precision='bf16'"):
        resolve_precision("bf16")
    with pytest.raises(ValueError, match="Received: backend='numpy'"):
        resolve_precision(backend="numpy", accelerator=None)


def test_read_cpu_flags(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nflags\t\t: fpu avx512_bf16 amx_bf16\n\n"
        "processor\t: 1\nflags\t\t: fpu\n"
    )
    assert read_cpu_flags(cpuinfo) == {"fpu", "avx512_bf16", "amx_bf16"}
    assert read_cpu_flags(tmp_path / "missing") == frozenset()


def test_auto_reads_the_cpu_flags_override(monkeypatch, fake_cpu):
    # The suite pins the flags `auto` sees (conftest); each fake CPU gives its
    # own choice, and unsetting the variable falls back to /proc/cpuinfo.
    backend = keras.backend.backend()
    policy, reason = resolve_precision(accelerator=None)
    onednn = backend in ("tensorflow", "torch")
    assert policy == ("mixed_bfloat16" if fake_cpu == "amx" and onednn else "float32")
    assert ("AMX-BF16 found" in reason) == (fake_cpu == "amx")
    monkeypatch.setenv(CPU_FLAGS_ENV, "")
    assert precision_cpu_flags() == frozenset()
    monkeypatch.setenv(CPU_FLAGS_ENV, " amx_bf16  avx2 ")
    assert precision_cpu_flags() == {"amx_bf16", "avx2"}
    monkeypatch.delenv(CPU_FLAGS_ENV)
    assert precision_cpu_flags() == read_cpu_flags()


def test_detect_accelerator_and_apply():
    found = detect_accelerator()
    assert found is None or found[0] in ("gpu", "tpu")
    policy, reason = apply_precision(cpu_flags=PLAIN, accelerator=None)
    assert (policy, keras.config.dtype_policy().name) == ("float32", "float32")
    policy, _ = apply_precision("mixed_bfloat16")
    assert keras.config.dtype_policy().name == "mixed_bfloat16"


def test_announce_precision_applies_and_prints_the_reason(capsys):
    policy, reason = announce_precision(cpu_flags=PLAIN, accelerator=None)
    assert (policy, reason) == ("float32", "CPU without bfloat16 units")
    assert capsys.readouterr().out == (
        f"Keras backend: {keras.backend.backend()}; "
        "precision: float32 (CPU without bfloat16 units)\n"
    )
    announce_precision("mixed_bfloat16")
    assert keras.config.dtype_policy().name == "mixed_bfloat16"
    assert "precision: mixed_bfloat16 (requested)" in capsys.readouterr().out


# --- numerics under a mixed policy --------------------------------------------


@pytest.mark.parametrize(
    "policy, atol",
    [("mixed_bfloat16", BF16_KEYPOINT_ATOL), ("mixed_float16", F16_KEYPOINT_ATOL)],
)
def test_mixed_keypoints_match_float32(policy, atol):
    reference, mixed = float32_and_mixed(policy)
    images = toy_pairs(8)["target"]
    expected, _ = reference.detect(images)
    keypoints, heatmaps = mixed.detect(images)
    assert keras.backend.standardize_dtype(heatmaps.dtype) == policy[6:]
    assert keras.backend.standardize_dtype(keypoints.dtype) == "float32"
    expected, keypoints = to_numpy(expected), to_numpy(keypoints)
    # The test would be empty with flat heatmaps: the keypoints must spread out.
    assert expected.std() > 0.3
    np.testing.assert_allclose(keypoints, expected, rtol=0, atol=atol)


def test_mixed_bfloat16_float32_islands():
    _, model = float32_and_mixed("mixed_bfloat16")
    data = toy_pairs(4)
    outputs = model(data, training=False)
    dtypes = {k: keras.backend.standardize_dtype(v.dtype) for k, v in outputs.items()}
    assert dtypes == {
        "reconstruction": "bfloat16",
        "heatmaps": "bfloat16",
        "keypoints": "float32",
        "gaussian_maps": "float32",
    }
    loss = model.reconstruction_loss
    terms = loss(data["target"], outputs["reconstruction"], training=True)
    assert all(
        keras.backend.standardize_dtype(v.dtype) == "float32" for v in terms.values()
    )
    for variable in (loss.normalizers, loss.normalizers_ready):
        assert variable.dtype == "float32"
    # The update is stored in float32 (autocast variables read as bfloat16, and
    # on PyTorch an assign inside the layer's autocast scope was lost).
    np.testing.assert_array_equal(
        to_numpy(loss.normalizers), to_numpy(terms["normalizers"])
    )
    assert float(to_numpy(loss.normalizers_ready)) == 1.0


def test_mixed_bfloat16_fit_tracks_float32():
    reference, mixed = float32_and_mixed("mixed_bfloat16")
    data = toy_pairs(8)
    histories = []
    for model in (reference, mixed):
        model.compile(optimizer=keras.optimizers.Adam(1e-3))
        history = model.fit(data, batch_size=4, epochs=3, shuffle=False, verbose=0)
        histories.append(history.history["loss"])
    assert all(
        keras.backend.standardize_dtype(v.dtype) == "float32"
        for v in mixed.optimizer.variables
        if "iteration" not in v.path
    )
    np.testing.assert_allclose(histories[1], histories[0], rtol=LOSS_RTOL)
    expected = to_numpy(reference.reconstruction_loss.normalizers)
    normalizers = to_numpy(mixed.reconstruction_loss.normalizers)
    assert np.all(np.isfinite(normalizers))
    np.testing.assert_allclose(normalizers, expected, rtol=NORMALIZER_RTOL)
    # The normalisers moved away from their first batch: the update was stored.
    assert not np.allclose(normalizers, 1.0)


@pytest.mark.skipif(
    keras.backend.backend() == "torch", reason="XLA compiles on TensorFlow and JAX"
)
@pytest.mark.slow
@pytest.mark.parametrize(
    "interpolation",
    [
        "bilinear",
        pytest.param(
            "tf1_bilinear",
            marks=pytest.mark.skipif(
                keras.backend.backend() != "tensorflow",
                reason="the layout that never failed to compile (plain ops, one "
                "policy) is checked on TensorFlow, whose XLA refused the other",
            ),
        ),
    ],
)
def test_mixed_bfloat16_fit_compiles_with_xla(interpolation):
    # TensorFlow + XLA refused this step before Keras' bilinear upsampling
    # became a float32 island ("Seen floating point types of different
    # precisions" in the ReLU gradient after the resize). The paper preset's
    # TF1 upsampling is plain ops and stays in the mixed policy.
    reference, mixed = float32_and_mixed(
        "mixed_bfloat16", generator_interpolation=interpolation
    )
    expected = "float32" if interpolation == "bilinear" else "bfloat16"
    assert mixed.generator.upsample.compute_dtype == expected
    data = toy_pairs(8)
    histories = []
    # The float32 reference takes the default compile (one XLA compile fewer).
    for model, jit_compile in ((reference, "auto"), (mixed, True)):
        model.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=jit_compile)
        history = model.fit(data, batch_size=4, epochs=2, shuffle=False, verbose=0)
        histories.append(history.history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=LOSS_RTOL)


def test_mixed_float16_fit_uses_loss_scaling():
    keras.config.set_dtype_policy("mixed_float16")
    model = tiny_model()
    keras.config.set_dtype_policy("float32")
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    before = [to_numpy(w).copy() for w in model.trainable_weights]
    # The loss is ~4000 (the reference's x1000 scale): at the initial loss
    # scale 2^15 the float16 gradients overflow and the optimizer halves the
    # scale and skips the step, about 8 times, before the weights move.
    history = model.fit(toy_pairs(32), batch_size=2, shuffle=False, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert float(to_numpy(model.optimizer.dynamic_scale)) < 2.0**15
    after = [to_numpy(w) for w in model.trainable_weights]
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_mixed_model_keras_round_trip(tmp_path):
    _, model = float32_and_mixed("mixed_bfloat16")
    data = toy_pairs(4)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    model.fit(data, batch_size=4, verbose=0)
    path = tmp_path / "mixed.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.dtype_policy.name == "mixed_bfloat16"
    assert loaded.detector.dtype_policy.name == "mixed_bfloat16"
    np.testing.assert_array_equal(
        to_numpy(loaded.reconstruction_loss.normalizers),
        to_numpy(model.reconstruction_loss.normalizers),
    )
    expected, actual = model(data), loaded(data)
    for key in expected:
        np.testing.assert_array_equal(
            to_numpy(actual[key]).astype("float32"),
            to_numpy(expected[key]).astype("float32"),
        )


def test_mixed_model_saved_model_is_float32(tmp_path):
    _, model = float32_and_mixed("mixed_bfloat16")
    path = export_saved_model(model, tmp_path / "detector")
    loaded = tf.saved_model.load(path)
    for name in ("serving_default", "reconstruct"):
        signature = loaded.signatures[name]
        _, inputs = signature.structured_input_signature
        assert {spec.dtype for spec in inputs.values()} == {tf.float32}, name
        outputs = signature.structured_outputs
        assert {spec.dtype for spec in outputs.values()} == {tf.float32}, name
    images = toy_pairs(2)["target"]
    served = loaded.signatures["serving_default"](images=tf.constant(images))
    np.testing.assert_allclose(
        served["keypoints"].numpy(), model.predict_keypoints(images), atol=1e-4
    )
