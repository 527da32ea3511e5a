import numpy as np
import pytest

from keras_landmarks.visualization.colors import ANNOTATED_COLOR
from keras_landmarks.visualization.colors import LINK_COLOR
from keras_landmarks.visualization.colors import PREDICTED_COLOR
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.regression_comparison import regression_comparison


def test_annotated_green_regressed_red_joined_by_a_line():
    images = np.zeros((3, 32, 32, 3), "float32")
    annotated = np.tile([[[5.0, 5.0]]], (3, 1, 1))
    predicted = np.tile([[[25.0, 5.0]]], (3, 1, 1))
    out = regression_comparison(images, predicted, annotated, columns=2)
    assert out.dtype == np.uint8
    assert out.shape == (2 * 128 + GUTTER, 2 * 128 + GUTTER, 3)
    for n in range(3):
        y0, x0 = (n // 2) * (128 + GUTTER), (n % 2) * (128 + GUTTER)
        cell = out[y0 : y0 + 128, x0 : x0 + 128]
        np.testing.assert_array_equal(cell[21, 21], ANNOTATED_COLOR)  # (5, 5) * 4 + 1.5
        np.testing.assert_array_equal(cell[21, 101], PREDICTED_COLOR)  # (25, 5)
        assert any(np.array_equal(p, LINK_COLOR) for p in cell[19:24, 61])
    # The missing fourth cell stays white.
    assert (out[128 + GUTTER :, 128 + GUTTER :] == 255).all()


def test_missing_annotations_are_skipped():
    images = np.zeros((1, 32, 32, 3), "float32")
    annotated = np.array([[[np.nan, np.nan]]], "float32")
    predicted = np.array([[[25.0, 5.0]]], "float32")
    out = regression_comparison(images, predicted, annotated)
    np.testing.assert_array_equal(out[21, 101], PREDICTED_COLOR)
    assert not (out == LINK_COLOR).all(-1).any()


def test_shape_mismatches_are_named():
    images = np.zeros((2, 32, 32, 3))
    good = np.zeros((2, 4, 2))
    with pytest.raises(ValueError, match="predicted"):
        regression_comparison(images, good[:, :3], good)
    with pytest.raises(ValueError, match="annotated"):
        regression_comparison(images, good, good[:1])
    with pytest.raises(ValueError, match="columns=0"):
        regression_comparison(images, good, good, columns=0)
