"""keypoint_bars: one bar per keypoint in the keypoint's colour, heights as given."""

import numpy as np
import pytest

from keras_landmarks.visualization import keypoint_bars
from keras_landmarks.visualization import keypoint_palette


def _bar_columns(picture, colour):
    """Columns and top row of the pixels that have exactly `colour`."""
    mask = np.all(picture == colour, axis=-1)
    rows, columns = np.nonzero(mask)
    return columns, rows.min()


def test_bars_have_the_keypoint_colours_and_the_right_order_of_heights():
    picture = keypoint_bars([1.0, 4.0, 2.0], "equivariance", "% of image size")
    assert picture.shape == (320, 640, 3)
    palette = keypoint_palette(3)
    tops, centres = [], []
    for colour in palette:
        columns, top = _bar_columns(picture, colour)
        assert columns.size > 100, f"no bar in colour {colour}"
        tops.append(top)
        centres.append(columns.mean())
    # Left to right in keypoint order; the tallest bar (4.0) reaches highest.
    assert centres == sorted(centres)
    assert tops[1] < tops[2] < tops[0]


def test_bad_values_are_refused():
    with pytest.raises(ValueError, match=r"Received: values=\[1.0, nan\]"):
        keypoint_bars([1.0, float("nan")], "t", "y")
    with pytest.raises(ValueError, match="non-empty"):
        keypoint_bars([], "t", "y")
