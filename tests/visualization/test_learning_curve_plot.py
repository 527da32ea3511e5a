"""learning_curve_plot: a line per run, falling curves drawn falling."""

import numpy as np
import pytest

from keras_landmarks.visualization import learning_curve_plot

# matplotlib's first two default line colours (tab:blue, tab:orange).
BLUE = np.array([31, 119, 180])
ORANGE = np.array([255, 127, 14])


def _mean_row(picture, colour, columns):
    mask = np.all(np.abs(picture[:, columns].astype(int) - colour) < 30, axis=-1)
    rows, _ = np.nonzero(mask)
    return rows.mean()


def test_two_runs_in_two_colours_the_better_one_lower():
    picture = learning_curve_plot(
        {
            "falls": ([0, 500, 1000, 1500], [1.0, 0.7, 0.5, 0.4]),
            "flat": ([0, 500, 1000, 1500], [0.95, 0.95, 0.95, 0.95]),
        },
        baselines={"mean shape": 1.0},
    )
    assert picture.shape == (420, 640, 3)
    # Left and right thirds of the plot area: the falling run goes down (rows
    # grow downwards), the flat one stays.
    left, right = slice(120, 220), slice(430, 540)
    assert _mean_row(picture, BLUE, right) - _mean_row(picture, BLUE, left) > 60
    flat_shift = _mean_row(picture, ORANGE, right) - _mean_row(picture, ORANGE, left)
    assert abs(flat_shift) < 10
    assert _mean_row(picture, BLUE, right) > _mean_row(picture, ORANGE, right)


def test_bad_curves_are_refused():
    with pytest.raises(ValueError, match="non-empty dict"):
        learning_curve_plot({})
    with pytest.raises(ValueError, match="same non-zero length"):
        learning_curve_plot({"a": ([0, 1], [1.0])})
    with pytest.raises(ValueError, match=r"must be \(steps, values\)"):
        learning_curve_plot({"a": [1.0, 2.0, 3.0]})
