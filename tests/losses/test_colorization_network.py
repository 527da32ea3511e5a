import keras
import numpy as np
import pytest

from keras_landmarks.losses.colorization_loss import ColorizationLoss
from keras_landmarks.losses.colorization_network import LIGHTNESS_MEAN
from keras_landmarks.losses.colorization_network import ColorizationNetwork
from keras_landmarks.losses.colorization_network import sample_bilinear
from tests.helpers import to_numpy

TINY = dict(block_channels=(4, 4, 4, 4, 4), fc_channels=8, hidden_channels=8, bins=4)


def tiny_inputs(batch=2, size=32, locations=5, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "lightness": rng.uniform(0, 255, (batch, size, size, 1)).astype("float32"),
        "locations": rng.uniform(0, size - 1, (batch, locations, 2)).astype("float32"),
    }


def numpy_sample(features, locations, stride):
    # Larsson et al.'s SparseHypercolumnExtractor, written out per location.
    batch, height, width, _ = features.shape
    out = []
    for n in range(batch):
        rows = []
        for y, x in locations[n]:
            ly = min(max(y / stride, 0.0), max(height - 1.0001, 0.0))
            lx = min(max(x / stride, 0.0), max(width - 1.0001, 0.0))
            y0, x0 = int(ly), int(lx)
            y1, x1 = min(y0 + 1, height - 1), min(x0 + 1, width - 1)
            fy, fx = ly - y0, lx - x0
            f = features[n]
            rows.append(
                (1 - fy) * ((1 - fx) * f[y0, x0] + fx * f[y0, x1])
                + fy * ((1 - fx) * f[y1, x0] + fx * f[y1, x1])
            )
        out.append(rows)
    return np.array(out, "float32")


def test_sparse_sampling_follows_the_published_extractor():
    rng = np.random.default_rng(1)
    features = rng.normal(size=(2, 4, 5, 3)).astype("float32")
    # Inside, on cell centres, past the last cell and negative (clipped).
    locations = np.array(
        [
            [[0.0, 0.0], [3.0, 5.0], [7.9, 9.5], [-4.0, 20.0]],
            [[2.0, 2.0], [6.5, 1.0], [1.0, 7.0], [40.0, -1.0]],
        ],
        "float32",
    )
    got = to_numpy(sample_bilinear(features, locations, 2))
    np.testing.assert_allclose(got, numpy_sample(features, locations, 2), atol=1e-5)
    # A 1x1 map (fc6/fc7 of a 32 px image) gives its one cell everywhere.
    one = features[:, :1, :1]
    got = to_numpy(sample_bilinear(one, locations, 32))
    np.testing.assert_allclose(got, np.broadcast_to(one[:, :, 0], got.shape), atol=1e-6)


def test_trunk_layers_strides_and_input_normalisation():
    net = ColorizationNetwork(**TINY)
    activations = net.trunk(tiny_inputs()["lightness"])
    assert list(activations) == list(net.trunk_names)
    assert len(net.trunk_names) == 15
    for name, value in activations.items():
        assert value.shape[1] == 32 // net.strides[name], name
    # The authors' feed: lightness / 255 - 114.451 / 255, so the mean grey is 0.
    np.testing.assert_allclose(
        to_numpy(net.normalize(np.array([LIGHTNESS_MEAN, 255.0]))),
        [0.0, (255.0 - LIGHTNESS_MEAN) / 255.0],
        atol=1e-7,
    )
    assert net.hypercolumn_channels == 13 * 4 + 2 * 8


@pytest.mark.slow  # ~15 s on TensorFlow, ~100 s on JAX on 2 busy cores
def test_fit_step_and_keras_round_trip(tmp_path):
    net = ColorizationNetwork(**TINY)
    inputs = tiny_inputs()
    colours = np.random.default_rng(2).uniform(0, 255, (2, 5, 3)).astype("float32")
    shapes = {"lightness": (2, 32, 32, 1), "locations": (2, 5, 2)}
    assert net.compute_output_shape(shapes) == (2, 5, 8)
    net.build()
    # Eagerly on TensorFlow, where tracing costs more than one step; JAX would
    # compile each of the network's eager operations on its own instead (78 s
    # for this test, against one compiled step).
    eagerly = keras.backend.backend() == "tensorflow"
    net.compile(optimizer="sgd", loss=ColorizationLoss(bins=4), run_eagerly=eagerly)
    before = to_numpy(net.hue.kernel).copy()
    history = net.fit(inputs, colours, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert not np.array_equal(before, to_numpy(net.hue.kernel))
    path = tmp_path / "net.keras"
    net.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, ColorizationNetwork)
    assert loaded.get_config() == net.get_config()
    assert len(loaded.weights) == len(net.weights) == 15 * 4 + 6
    for a, b in zip(loaded.weights, net.weights, strict=True):
        assert a.path == b.path
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(block_channels=(4, 4, 4, 4)), "block_channels"),
        (dict(fc_channels=0), "fc_channels"),
        (dict(bins=1), "bins"),
        (dict(dropout=1.0), "dropout"),
        (dict(weight_decay=-1.0), "weight_decay"),
    ],
)
def test_bad_arguments_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ColorizationNetwork(**{**TINY, **kwargs})


def test_inputs_must_be_the_named_dict():
    net = ColorizationNetwork(**TINY)
    with pytest.raises(ValueError, match="lightness"):
        net(tiny_inputs()["lightness"])
    with pytest.raises(ValueError, match="up_to"):
        net.trunk(tiny_inputs()["lightness"], up_to="conv6_1")
