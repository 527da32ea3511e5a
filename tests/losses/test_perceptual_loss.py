from pathlib import Path

import keras
import numpy as np
import pytest
from keras import ops

from keras_landmarks.losses import DEFAULT_LAYERS
from keras_landmarks.losses import REFERENCE_INITIAL_NORMALIZERS
from keras_landmarks.losses import PerceptualLoss
from keras_landmarks.losses import RandomLossNetworkWarning
from tests.helpers import golden
from tests.helpers import tiny_perceptual_loss
from tests.helpers import to_numpy

# Saved by the code before `RunningNormalizer`: PerceptualLoss(network=None,
# layers=("input",), initial_normalizers=(10.0,), decay=0.9) after one batch
# with squared error 4, so w = 10 + 0.1 (4 - 10) = 9.4.
LEGACY_FILE = Path(__file__).parent / "legacy" / "perceptual_loss.keras"


def _reference_pairs(ref, step):
    return [
        (ref[f"perc_feat_gt_{name}"][step], ref[f"perc_feat_pred_{name}"][step])
        for name in DEFAULT_LAYERS
    ]


def test_reproduces_the_reference_three_step_sequence():
    ref = golden()
    # The vectors are features, not images: use the feature-level entry point
    # of a six-layer loss whose (stand-in) network is never called.
    loss = PerceptualLoss(
        network=keras.Sequential([keras.layers.Identity()]),
        layers=DEFAULT_LAYERS,
        initial_normalizers=REFERENCE_INITIAL_NORMALIZERS,
    )
    loss.build((2, 32, 32, 3))
    np.testing.assert_allclose(
        to_numpy(loss.normalizers), ref["perc_init_weights"], rtol=1e-6
    )
    for step in range(3):
        terms = loss.loss_from_features(
            _reference_pairs(ref, step), loss_mask=ref["perc_mask"], training=True
        )
        layer_terms = np.array([to_numpy(terms[name]) for name in DEFAULT_LAYERS])
        np.testing.assert_allclose(
            to_numpy(terms["normalizers"]), ref["perc_layer_wl"][step], rtol=1e-5
        )
        np.testing.assert_allclose(
            layer_terms, ref["perc_layer_losses"][step], rtol=1e-5
        )
        np.testing.assert_allclose(
            to_numpy(terms["total"]), ref["perc_total_loss"][step], rtol=1e-5
        )
        np.testing.assert_allclose(
            to_numpy(loss.normalizers), ref["perc_running_avg_after"][step], rtol=1e-5
        )


def test_normalizers_not_stored_outside_training():
    ref = golden()
    loss = PerceptualLoss(network=None, layers=("input",), initial_normalizers=(100.0,))
    loss.build((2, 32, 32, 3))
    pairs = _reference_pairs(ref, 0)[:1]
    first = loss.loss_from_features(pairs, loss_mask=ref["perc_mask"], training=False)
    np.testing.assert_allclose(to_numpy(loss.normalizers), [100.0])
    # The updated value is used in the step even when it is not stored.
    np.testing.assert_allclose(
        to_numpy(first["normalizers"]), ref["perc_layer_wl"][0][:1], rtol=1e-5
    )


def test_first_batch_initialisation():
    rng = np.random.default_rng(0)
    target = rng.uniform(0, 255, (2, 16, 16, 3)).astype("float32")
    recon = rng.uniform(0, 255, (2, 16, 16, 3)).astype("float32")
    loss = PerceptualLoss(network=None, layers=("input",))
    terms = loss(target, recon, training=True)
    mse = np.mean((target - recon) ** 2)
    # w starts at the first batch's own mean, so the first term is exactly 1.
    np.testing.assert_allclose(to_numpy(loss.normalizers), [mse], rtol=1e-5)
    np.testing.assert_allclose(to_numpy(terms["input"]), 1.0, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(terms["total"]), 1000.0, rtol=1e-6)
    # Afterwards it is a running average.
    loss(target, target + 1.0, training=True)
    np.testing.assert_allclose(
        to_numpy(loss.normalizers), [mse + 0.01 * (1.0 - mse)], rtol=1e-5
    )


def test_gradient_flows_through_the_divisor():
    # d/dm [m / (0.99 w + 0.01 m)] = 0.99 w / (0.99 w + 0.01 m)^2, not 1 / w'.
    w, m = 4.0, 2.0
    loss = PerceptualLoss(
        network=None, layers=("input",), initial_normalizers=(w,), scale=1.0
    )
    loss.build((1, 1, 1, 3))
    if keras.backend.backend() == "jax":
        import jax

        def f(pred):
            terms = loss.loss_from_features([(jax.numpy.zeros_like(pred), pred)])
            return terms["total"]

        pred = np.full((1, 1, 1, 3), np.sqrt(m), "float32")
        grad = np.asarray(jax.grad(f)(pred))
    elif keras.backend.backend() == "torch":
        import torch

        pred = torch.full((1, 1, 1, 3), float(np.sqrt(m)), requires_grad=True)
        loss.loss_from_features([(torch.zeros_like(pred), pred)])["total"].backward()
        grad = pred.grad.numpy()
    else:
        import tensorflow as tf

        pred = tf.Variable(np.full((1, 1, 1, 3), np.sqrt(m), "float32"))
        with tf.GradientTape() as tape:
            total = loss.loss_from_features([(tf.zeros_like(pred), pred)])["total"]
        grad = tape.gradient(total, pred).numpy()
    w_new = 0.99 * w + 0.01 * m
    dloss_dm = 0.99 * w / w_new**2
    dm_dpred = 2 * np.sqrt(m) / 3  # m = mean of three squared entries
    np.testing.assert_allclose(grad, dloss_dm * dm_dpred, rtol=1e-5)


def test_l1_distance():
    target = np.zeros((1, 4, 4, 3), "float32")
    recon = np.full((1, 4, 4, 3), -2.0, "float32")
    loss = PerceptualLoss(
        network=None, layers=("input",), distance="l1", initial_normalizers=(2.0,)
    )
    terms = loss(target, recon)
    np.testing.assert_allclose(to_numpy(terms["input"]), 1.0, rtol=1e-6)


def test_custom_network_and_mask():
    loss = tiny_perceptual_loss()
    rng = np.random.default_rng(0)
    target = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    mask = np.zeros((2, 32, 32, 1), "float32")
    zero = loss(target, target + 50.0, loss_mask=mask, training=False)
    assert float(to_numpy(zero["total"])) == 0.0
    terms = loss(target, target + 50.0, loss_mask=mask + 1.0, training=True)
    assert set(terms) == {"total", "normalizers", *loss.layer_names}
    assert float(to_numpy(terms["total"])) > 0


def test_vgg19_architecture_with_random_weights_warns_and_runs():
    with pytest.warns(RandomLossNetworkWarning, match="random weights"):
        loss = PerceptualLoss(network="vgg19", weights=None)
    images = np.random.default_rng(0).uniform(0, 255, (1, 32, 32, 3)).astype("f4")
    pairs = loss.features(images, images * 0.5)
    shapes = [tuple(gt.shape) for gt, _ in pairs]
    assert shapes == [
        (1, 32, 32, 3),
        (1, 32, 32, 64),
        (1, 16, 16, 128),
        (1, 8, 8, 256),
        (1, 4, 4, 512),
        (1, 2, 2, 512),
    ]
    terms = loss(images, images * 0.5, training=True)
    assert np.isfinite(to_numpy(terms["total"]))


def test_battery(tmp_path):
    rng = np.random.default_rng(0)
    target = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    recon = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    loss = tiny_perceptual_loss(initial_normalizers=(1.0, 2.0, 3.0, 4.0))
    config = loss.get_config()
    clone = PerceptualLoss.from_config(config)
    assert clone.get_config()["layers"] == config["layers"]
    a = to_numpy(loss(target, recon)["total"])
    clone.build(target.shape)
    clone.network.set_weights(loss.network.get_weights())
    np.testing.assert_allclose(to_numpy(clone(target, recon)["total"]), a, rtol=1e-6)


def test_save_and_load_keep_the_normalizers(tmp_path):
    loss = tiny_perceptual_loss()
    rng = np.random.default_rng(0)
    target = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    loss(target, target + 10.0, training=True)
    loss(target, target - 20.0, training=True)
    path = tmp_path / "perceptual_loss.keras"
    keras.saving.save_model(loss, path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(
        to_numpy(loaded.normalizers), to_numpy(loss.normalizers)
    )
    assert float(to_numpy(loaded.normalizers_ready)) == 1.0
    a = loss(target, target + 5.0)
    b = loaded(target, target + 5.0)
    for key in a:
        np.testing.assert_array_equal(to_numpy(a[key]), to_numpy(b[key]))


def test_loads_a_file_saved_before_the_running_normalizer_layer():
    loaded = keras.saving.load_model(LEGACY_FILE)
    assert isinstance(loaded, PerceptualLoss)
    assert loaded.decay == 0.9
    # The state was stored under the loss itself; it reaches the sublayer.
    np.testing.assert_allclose(to_numpy(loaded.normalizers), [9.4], rtol=1e-6)
    assert float(to_numpy(loaded.normalizers_ready)) == 1.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(network="resnet"), "Unknown loss network.*resnet"),
        (dict(network=None, layers=("input", "conv1_2")), "network=None"),
        (dict(layers=("conv9_9",)), "conv9_9"),
        (
            dict(network=None, layers=("input",), initial_normalizers=(1, 2)),
            "one float",
        ),
        (dict(network=None, layers=("input",), distance="huber"), "huber"),
        (dict(network=None, layers=("input",), decay=1.5), "decay"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PerceptualLoss(**kwargs)


def test_float32_under_mixed_policy():
    keras.config.set_dtype_policy("mixed_bfloat16")
    loss = tiny_perceptual_loss()
    target = np.full((1, 32, 32, 3), 10.0, "float32")
    terms = loss(target, ops.cast(target + 1.0, "bfloat16"), training=True)
    assert keras.backend.standardize_dtype(terms["total"].dtype) == "float32"
    assert keras.backend.standardize_dtype(loss.normalizers.dtype) == "float32"
