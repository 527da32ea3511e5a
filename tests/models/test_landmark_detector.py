import numpy as np
import pytest

from keras_landmarks.models import LandmarkDetector
from tests.helpers import run_layer_battery

ABLATION = dict(kernel_initializer="glorot_uniform", batch_norm_momentum=0.9)


def _images(n=2, size=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 255, (n, size, size, 3)).astype("float32")


def test_reference_detector_shapes():
    detector = LandmarkDetector(10)
    assert detector.compute_output_shape((None, 128, 128, 3)) == (None, 16, 16, 10)
    detector.build((None, 128, 128, 3))
    head = detector.head
    assert head.kernel_size == (1, 1) and head.activation.__name__ == "linear"


@pytest.mark.parametrize("kwargs", [{}, ABLATION], ids=["default", "ablation"])
def test_battery(kwargs, tmp_path):
    detector = LandmarkDetector(5, (8, 16), (2, 2), **kwargs)
    run_layer_battery(detector, _images(), tmp_path)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: LandmarkDetector(0), "num_keypoints=0"),
        (
            lambda: LandmarkDetector(4, (8,), (1,), kernel_initializer="constant"),
            "kernel_initializer='constant'",
        ),
        (
            lambda: LandmarkDetector(4, (8,), (1,), batch_norm_momentum=True),
            "batch_norm_momentum=True",
        ),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
