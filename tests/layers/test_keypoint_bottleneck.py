import numpy as np
import pytest

from keras_landmarks.layers import KeypointBottleneck
from tests.helpers import golden
from tests.helpers import run_layer_battery
from tests.helpers import to_numpy


def test_composes_the_two_layers_on_reference_vectors():
    ref = golden()
    keypoints, maps = KeypointBottleneck()(ref["heatmaps"])
    np.testing.assert_allclose(
        to_numpy(keypoints), ref["coords_yx"][..., ::-1], atol=1e-5
    )
    y = np.linspace(-1, 1, 16)[None, :, None, None]
    x = np.linspace(-1, 1, 16)[None, None, :, None]
    mu = ref["coords_yx"]
    expected = np.exp(
        -((y - mu[:, None, None, :, 0]) ** 2 + (x - mu[:, None, None, :, 1]) ** 2)
        / 0.01
    )
    np.testing.assert_allclose(to_numpy(maps), expected, atol=1e-5)


def test_output_size():
    keypoints, maps = KeypointBottleneck(output_size=(32, 24))(
        np.zeros((1, 16, 16, 4), "float32")
    )
    assert tuple(maps.shape) == (1, 32, 24, 4)
    assert tuple(keypoints.shape) == (1, 4, 2)


def test_battery(tmp_path):
    logits = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")
    run_layer_battery(KeypointBottleneck(std=0.2), logits, tmp_path)


def test_bad_output_size():
    with pytest.raises(ValueError, match="output_size"):
        KeypointBottleneck(output_size=(16,))
