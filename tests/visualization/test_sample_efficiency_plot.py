import numpy as np
import pytest

from keras_landmarks.visualization.sample_efficiency_plot import sample_efficiency_plot

NS = [1, 5, 10, 100, 500, 1000, 2000]


def _near(picture, rgb, tolerance=12):
    return (np.abs(picture.astype(int) - rgb).max(-1) <= tolerance).sum()


def test_plot_has_requested_size_and_draws_each_curve():
    curves = {
        "trained": (NS, [9, 7, 6, 5, 4.5, 4.3, 4.2], [1, 0.5, 0.4, 0.2, 0.1, 0.1, 0.1]),
        "untrained": (NS, [20, 15, 13, 10, 9, 8.8, 8.7], [2, 1, 1, 0.5, 0.3, 0.2, 0.1]),
    }
    out = sample_efficiency_plot(
        curves, baselines={"mean shape": 14.0}, all_label_at=2000, size=(600, 400)
    )
    assert out.shape == (400, 600, 3) and out.dtype == np.uint8
    # matplotlib's first two default colours: C0 blue, C1 orange lines.
    assert _near(out, (31, 119, 180)) > 200
    assert _near(out, (255, 127, 14)) > 200
    assert (out < 250).any(-1).mean() > 0.03  # not blank


def test_bad_curves_are_named():
    with pytest.raises(ValueError, match="'a'"):
        sample_efficiency_plot({"a": ([1, 2], [3.0], [0.1])})
    with pytest.raises(ValueError, match="ns must be > 0"):
        sample_efficiency_plot({"a": ([0, 2], [3.0, 2.0], [0.1, 0.1])})
    with pytest.raises(ValueError, match="curves"):
        sample_efficiency_plot({})
