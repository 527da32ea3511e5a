"""float32_copy: a mixed-precision model shipped as float32, same weights."""

import keras
import numpy as np

from keras_landmarks.presets.float32_model import float32_config
from keras_landmarks.presets.float32_model import float32_copy
from tests.helpers import tiny_model
from tests.helpers import to_numpy


def test_a_mixed_model_becomes_float32_with_its_weights():
    keras.config.set_dtype_policy("mixed_bfloat16")
    mixed = tiny_model()
    keras.config.set_dtype_policy("float32")
    assert mixed.dtype_policy.name == "mixed_bfloat16"
    copy = float32_copy(mixed)
    assert type(copy) is type(mixed) and copy.dtype_policy.name == "float32"
    policies = {layer.dtype_policy.name for layer in copy._flatten_layers()}
    assert "mixed_bfloat16" not in policies
    for a, b in zip(mixed.weights, copy.weights, strict=True):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


def test_only_mixed_policies_change():
    config = {
        "a": {"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}},
        "b": [{"class_name": "DTypePolicy", "config": {"name": "bfloat16"}}],
    }
    converted = float32_config(config)
    assert converted["a"]["config"]["name"] == "float32"
    assert converted["b"][0]["config"]["name"] == "bfloat16"
