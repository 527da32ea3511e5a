"""walk_layers: every sub-layer once, through public attributes."""

import keras
import pytest

from keras_landmarks.layers.walk_layers import walk_layers
from tests.helpers import tiny_feature_network
from tests.helpers import tiny_model


def _count(layers, kind):
    return sum(isinstance(layer, kind) for layer in layers)


def test_finds_every_conv_and_batch_norm_of_the_model_once():
    model = tiny_model()
    layers = walk_layers(model)
    assert layers[0] is model
    assert len({id(layer) for layer in layers}) == len(layers)
    # The oracle: the model's own variable list (public), which holds one 4-D
    # kernel per conv and one moving mean per batch norm.
    kernels = {id(w) for w in model.weights if len(w.shape) == 4}
    means = {id(w) for w in model.weights if w.path.endswith("moving_mean")}
    convs = [layer for layer in layers if isinstance(layer, keras.layers.Conv2D)]
    norms = [
        layer for layer in layers if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert {id(layer.kernel) for layer in convs} == kernels
    assert {id(layer.moving_mean) for layer in norms} == means
    assert len(norms) == len(means) > 10


def test_functional_models_and_bad_input():
    layers = walk_layers(tiny_feature_network())
    assert _count(layers, keras.layers.Conv2D) == 3
    with pytest.raises(ValueError, match="must be a Keras layer"):
        walk_layers("model")
