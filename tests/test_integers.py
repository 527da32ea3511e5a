"""Sizes, counts and seeds from numpy are accepted like Python ints; bools are not."""

import json

import numpy as np
import pytest

from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.evaluation.label_free import random_tps_grids
from keras_landmarks.integers import is_integer
from keras_landmarks.layers import KeypointsToHeatmaps
from tests.helpers import tiny_model


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3)])
def test_integers(value):
    assert is_integer(value)


@pytest.mark.parametrize("value", [True, np.bool_(True), 3.0, np.float32(3), "3"])
def test_not_integers(value):
    assert not is_integer(value)


def test_numpy_sizes_build_a_model_whose_config_stays_json():
    model = tiny_model(num_keypoints=np.int64(4), image_size=np.int64(32))
    assert model.num_keypoints == 4 and type(model.num_keypoints) is int
    assert model.image_size == (32, 32)
    config = json.loads(json.dumps(model.get_config()))
    assert config["num_keypoints"] == 4
    with pytest.raises(ValueError, match="num_keypoints=True"):
        tiny_model(num_keypoints=True)


def test_numpy_sizes_in_layers_data_and_evaluation():
    layer = KeypointsToHeatmaps(np.int64(8), np.int32(8))
    assert (type(layer.height), type(layer.width)) == (int, int)
    assert type(check_seed(np.int64(3))) is int
    assert random_tps_grids(np.int64(2), 8, 8).shape == (2, 8, 8, 2)
