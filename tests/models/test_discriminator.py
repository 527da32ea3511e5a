import numpy as np
import pytest

from keras_landmarks.models.discriminator import PatchDiscriminator
from tests.helpers import run_layer_battery


def test_battery(tmp_path):
    images = np.random.default_rng(0).uniform(0, 255, (2, 16, 16, 3)).astype("float32")
    run_layer_battery(PatchDiscriminator((4, 8)), images, tmp_path)


def test_output_shape():
    assert PatchDiscriminator((4, 8, 8)).compute_output_shape((None, 32, 32, 3)) == (
        None,
        4,
        4,
        1,
    )


def test_bad_filters():
    with pytest.raises(ValueError, match="Received: filters"):
        PatchDiscriminator((4, 0))
