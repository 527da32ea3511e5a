import keras
import numpy as np
import pytest

from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.losses.pixel_loss import PixelLoss
from keras_landmarks.models.landmark_model import LandmarkModel
from tests.helpers import TINY
from tests.helpers import run_layer_battery
from tests.helpers import to_numpy
from tests.helpers import toy_pairs


def test_battery(tmp_path):
    heatmaps = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    run_layer_battery(DenseBottleneck(5, (4, 4), 3), heatmaps, tmp_path)


def test_code_is_a_linear_map_of_the_heatmaps():
    layer = DenseBottleneck(6, (2, 2), 3)
    heatmaps = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    code, maps = layer(heatmaps)
    kernel, bias = (to_numpy(w) for w in layer.to_code.weights)
    np.testing.assert_allclose(
        to_numpy(code), heatmaps.reshape(2, -1) @ kernel + bias, rtol=1e-5, atol=1e-5
    )
    assert tuple(maps.shape) == (2, 2, 2, 3)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(code_size=0, output_size=(4, 4), channels=3),
        dict(code_size=4, output_size=(4,), channels=3),
        dict(code_size=4, output_size=(4, 4), channels=0),
    ],
)
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="Received"):
        DenseBottleneck(**kwargs)


def test_landmark_model_with_dense_bottleneck_fits_and_reloads(tmp_path):
    model = LandmarkModel(
        num_keypoints=4,
        image_size=32,
        reconstruction_loss=PixelLoss("l1"),
        bottleneck=DenseBottleneck(10, (8, 8), 4, name="bottleneck"),
        **TINY,
    )
    model.compile(optimizer="adam")
    pairs = toy_pairs(4)
    model.fit(pairs, batch_size=2, epochs=1, verbose=0)
    code, _ = model.detect(pairs["target"])
    assert tuple(code.shape) == (4, 10)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        to_numpy(loaded.detect(pairs["target"])[0]), to_numpy(code), atol=1e-6
    )
