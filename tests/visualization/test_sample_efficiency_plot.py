import numpy as np
import pytest

from keras_landmarks.visualization.sample_efficiency_plot import sample_efficiency_plot

NS = [1, 5, 10, 100, 500, 1000, 2000]


WIDTH, HEIGHT = 600, 400
BLUE, ORANGE = (31, 119, 180), (255, 127, 14)  # matplotlib's C0 and C1
LOW = (NS, [9, 7, 6, 5, 4.5, 4.3, 4.2], [1, 0.5, 0.4, 0.2, 0.1, 0.1, 0.1])
HIGH = (NS, [20, 15, 13, 10, 9, 8.8, 8.7], [2, 1, 1, 0.5, 0.3, 0.2, 0.1])


def _line_rows(picture, colour):
    """Mean row of `colour` in each column of the axes' left half (no legend).

    NaN in the columns left of the first point (the axes' margin).
    """
    left, middle = round(0.1 * WIDTH) + 3, round((0.1 + 0.87 / 2) * WIDTH)
    near = np.abs(picture[:, left:middle].astype(int) - colour).max(-1) <= 12
    assert near.any(axis=0).mean() > 0.8, f"no {colour} line across the plot"
    rows = np.arange(HEIGHT)[:, None]
    with np.errstate(invalid="ignore"):
        return (near * rows).sum(0) / near.sum(0)


def _plot(first, second):
    return sample_efficiency_plot(
        {"first": first, "second": second},
        baselines={"mean shape": 14.0},
        all_label_at=2000,
        size=(WIDTH, HEIGHT),
    )


def test_each_curve_is_drawn_where_its_errors_are():
    out = _plot(LOW, HIGH)
    assert out.shape == (HEIGHT, WIDTH, 3) and out.dtype == np.uint8
    blue, orange = _line_rows(out, BLUE), _line_rows(out, ORANGE)
    # Lower error is lower in the picture (larger row), in every column, and
    # both errors fall as n grows, left to right.
    drawn = ~np.isnan(blue) & ~np.isnan(orange)
    assert np.all(blue[drawn] > orange[drawn] + 20)
    for rows in (blue[drawn], orange[drawn]):
        assert rows[-1] > rows[0] + 20 and np.all(np.diff(rows) > -1.5)
    # The first curve takes the first colour: swapping the data swaps them.
    swapped = _plot(HIGH, LOW)
    blue, orange = _line_rows(swapped, BLUE), _line_rows(swapped, ORANGE)
    drawn = ~np.isnan(blue) & ~np.isnan(orange)
    assert np.all(orange[drawn] > blue[drawn] + 20)


def test_bad_curves_are_named():
    with pytest.raises(ValueError, match="'a'"):
        sample_efficiency_plot({"a": ([1, 2], [3.0], [0.1])})
    with pytest.raises(ValueError, match="ns must be > 0"):
        sample_efficiency_plot({"a": ([0, 2], [3.0, 2.0], [0.1, 0.1])})
    with pytest.raises(ValueError, match="curves"):
        sample_efficiency_plot({})
