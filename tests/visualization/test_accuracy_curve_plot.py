import numpy as np
import pytest

from keras_landmarks.visualization.accuracy_curve_plot import accuracy_curve_plot

WIDTH, HEIGHT = 500, 300
# The axes span x 10 %..97 % and y 13 %..91 % of the picture (subplots_adjust).
LEFT, RIGHT, BOTTOM, TOP = 0.1, 0.97, 0.13, 0.91
BLUE, ORANGE, BLACK = (31, 119, 180), (255, 127, 14), (0, 0, 0)  # C0, C1, average


def _column(d, ds):
    return round(WIDTH * (LEFT + (RIGHT - LEFT) * (d - ds[0]) / (ds[-1] - ds[0])))


def _row(percent):
    return HEIGHT * (1 - BOTTOM - (TOP - BOTTOM) * percent / 100)


def _line_row(picture, colour, column):
    """Where `colour` crosses one column inside the axes (frame excluded)."""
    top = round(HEIGHT * (1 - TOP)) + 3
    inside = picture[top : round(HEIGHT * (1 - BOTTOM)) - 3, column].astype(int)
    rows = np.nonzero(np.abs(inside - colour).max(-1) < 40)[0]
    assert len(rows), f"no {colour} line in column {column}"
    return top + rows.mean() + 0.5  # pixel row r spans [r, r + 1)


def test_each_curve_and_the_average_are_drawn_where_the_data_says():
    ds = np.arange(21)
    parts = {"head": 5.0 * ds, "wrists": np.full(21, 80.0)}
    out = accuracy_curve_plot(ds, parts, size=(WIDTH, HEIGHT))
    assert out.shape == (HEIGHT, WIDTH, 3) and out.dtype == np.uint8
    # Left of the legend (lower right), one column per d: the head's line
    # rises left to right, the wrists' stays at 80 %, the thick black
    # average runs halfway between them.
    for d in range(1, 13):
        column = _column(d, ds)
        assert _line_row(out, BLUE, column) == pytest.approx(_row(5.0 * d), abs=2)
        assert _line_row(out, ORANGE, column) == pytest.approx(_row(80.0), abs=2)
        average = (5.0 * d + 80.0) / 2
        assert _line_row(out, BLACK, column) == pytest.approx(_row(average), abs=2)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="'head'"):
        accuracy_curve_plot([1, 2, 3], {"head": [1, 2]})
    with pytest.raises(ValueError, match="ds"):
        accuracy_curve_plot(np.zeros((2, 2)), {"head": [1, 2]})
    with pytest.raises(ValueError, match="accuracies_per_part"):
        accuracy_curve_plot([1, 2], {})
