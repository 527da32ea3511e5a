"""Shared test helpers: reference vectors, the layer battery, tiny models."""

import os
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import ops

import keras_landmarks as kl

REPO = Path(__file__).resolve().parents[1]
# Shipped with the tests (see tests/reference/README.md); the variable overrides it.
REFERENCE_DIR = Path(
    os.environ.get(
        "KERAS_LANDMARKS_REFERENCE_DIR", Path(__file__).resolve().parent / "reference"
    )
)
GOLDEN_PATH = REFERENCE_DIR / "imm_golden_public.npz"


def golden():
    """The reference vectors; fails, naming the path, when they are missing.

    They ship in tests/reference/, so a missing file is a broken checkout or a
    wrong KERAS_LANDMARKS_REFERENCE_DIR, not a reason to skip the numeric tests.
    """
    if not GOLDEN_PATH.exists():
        pytest.fail(
            f"reference vectors not found at {GOLDEN_PATH} (they ship in "
            "tests/reference/; check KERAS_LANDMARKS_REFERENCE_DIR)"
        )
    return np.load(GOLDEN_PATH)


def to_numpy(x):
    return ops.convert_to_numpy(x)


def _flat(outputs):
    return [to_numpy(o) for o in keras.tree.flatten(outputs)]


def run_layer_battery(layer, inputs, tmp_path, train=True):
    """Config round trip, symbolic vs eager shapes, .keras round trip, a fit step.

    `inputs` is one array or a list of arrays (for multi-input layers).
    """
    multi = isinstance(inputs, (list, tuple))
    arrays = list(inputs) if multi else [inputs]

    # Config round trip.
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config

    # Eager output vs compute_output_shape and symbolic output.
    eager = layer(arrays if multi else arrays[0])
    shapes = [a.shape for a in arrays]
    expected = layer.compute_output_shape(shapes if multi else shapes[0])
    eager_shapes = [tuple(o.shape) for o in keras.tree.flatten(eager)]
    expected_shapes = _shape_list(expected)
    assert eager_shapes == expected_shapes
    symbolic_inputs = [keras.Input(batch_shape=a.shape) for a in arrays]
    symbolic = layer(symbolic_inputs if multi else symbolic_inputs[0])
    assert [tuple(s.shape) for s in keras.tree.flatten(symbolic)] == expected_shapes

    # .keras save -> load -> identical outputs.
    model = keras.Model(symbolic_inputs if multi else symbolic_inputs[0], symbolic)
    path = tmp_path / "layer.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    feed = arrays if multi else arrays[0]
    for a, b in zip(_flat(model(feed)), _flat(loaded(feed)), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=0)

    # One fit step against a zero target.
    if train and layer.trainable_weights:
        before = [to_numpy(w).copy() for w in layer.trainable_weights]
        targets = [np.zeros(s, "float32") for s in expected_shapes]
        model.compile(optimizer="sgd", loss=["mse"] * len(targets))
        model.fit(feed, targets if len(targets) > 1 else targets[0], verbose=0)
        after = [to_numpy(w) for w in layer.trainable_weights]
        assert any(
            not np.array_equal(a, b) for a, b in zip(before, after, strict=False)
        )


def _shape_list(shapes):
    if isinstance(shapes, tuple) and all(
        isinstance(s, (int, type(None))) for s in shapes
    ):
        return [tuple(shapes)]
    out = []
    for s in shapes:
        out.extend(_shape_list(s))
    return out


# The recipes' tests' networks, written as `--architecture` takes them
# (`presets.architecture_arguments`): encoder filters / strides / generator filters.
TINY_ARCHITECTURE = "4,4,8,8,8,8/1,1,2,1,2,1/8,8,4"

TINY = dict(
    encoder_filters=(8, 8, 16, 16),
    encoder_strides=(1, 2, 1, 2),
    generator_filters=(16, 8, 8),
)


def tiny_feature_network():
    """A small conv net standing in for VGG: features at 1, 1/2 and 1/4."""
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Rescaling(1 / 255.0)(inputs)
    a = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(x)
    b = keras.layers.Conv2D(6, 3, strides=2, padding="same", activation="relu")(a)
    c = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(b)
    return keras.Model(inputs, [a, b, c], name="tiny_features")


def tiny_perceptual_loss(**kwargs):
    return kl.losses.PerceptualLoss(
        network=tiny_feature_network(),
        layers=("input", "conv1_2", "conv2_2", "conv3_2"),
        **kwargs,
    )


def tiny_model(num_keypoints=4, image_size=32, loss=None, **kwargs):
    keras.utils.set_random_seed(0)
    return kl.LandmarkModel(
        num_keypoints=num_keypoints,
        image_size=image_size,
        reconstruction_loss=loss or tiny_perceptual_loss(),
        **TINY,
        **kwargs,
    )


def toy_pairs(n=8, size=32, seed=0):
    """Pairs where the target is the source shifted: geometry to discover."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    source = np.zeros((n, size, size, 3), "float32")
    target = np.zeros_like(source)
    for i in range(n):
        cx, cy = rng.uniform(8, size - 8, 2)
        dx, dy = rng.uniform(-4, 4, 2)
        colour = rng.uniform(60, 255, 3)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 18.0)[..., None]
        moved = np.exp(-((xx - cx - dx) ** 2 + (yy - cy - dy) ** 2) / 18.0)[..., None]
        source[i] = 20 + blob * colour
        target[i] = 20 + moved * colour
    mask = np.ones((n, size, size, 1), "float32")
    return {"source": source, "target": target, "mask": mask}
