import numpy as np
import pytest

from keras_landmarks.models import ConvEncoder
from tests.helpers import run_layer_battery


def _images(n=2, size=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 255, (n, size, size, 3)).astype("float32")


def test_reference_encoder_shapes():
    encoder = ConvEncoder()
    assert encoder.filters == (32, 32, 64, 64, 128, 128, 256, 256)
    assert [b.strides for b in encoder.blocks] == [1, 1, 2, 1, 2, 1, 2, 1]
    assert [b.kernel_size for b in encoder.blocks] == [7, 3, 3, 3, 3, 3, 3, 3]
    assert encoder.compute_output_shape((None, 128, 128, 3)) == (None, 16, 16, 256)


def test_battery(tmp_path):
    run_layer_battery(ConvEncoder((8, 8, 16), (1, 2, 2)), _images(), tmp_path)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: ConvEncoder((8, 8), (1, 3)), "strides"),
        (lambda: ConvEncoder((8, 0), (1, 2)), "filters"),
        (lambda: ConvEncoder((8, 8), (1,)), "one entry"),
        # Names Keras resolves, but not to an initializer usable from a name alone.
        (
            lambda: ConvEncoder((8,), (1,), kernel_initializer="Initializer"),
            "kernel_initializer='Initializer'",
        ),
        (
            lambda: ConvEncoder((8,), (1,), batch_norm_momentum=-0.1),
            "batch_norm_momentum=-0.1",
        ),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
