import numpy as np
import pytest

from keras_landmarks.visualization.accuracy_curve_plot import accuracy_curve_plot


def test_plot_size_and_average_line():
    ds = np.arange(21)
    parts = {"head": 100 * (1 - np.exp(-ds / 3)), "wrists": 100 * (1 - np.exp(-ds / 8))}
    out = accuracy_curve_plot(ds, parts, size=(500, 300))
    assert out.shape == (300, 500, 3) and out.dtype == np.uint8
    black = (out.max(-1) < 30).sum()
    assert black > 500  # the thick average line, axes and text
    blue = (np.abs(out.astype(int) - (31, 119, 180)).max(-1) < 12).sum()
    assert blue > 100


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="'head'"):
        accuracy_curve_plot([1, 2, 3], {"head": [1, 2]})
    with pytest.raises(ValueError, match="ds"):
        accuracy_curve_plot(np.zeros((2, 2)), {"head": [1, 2]})
    with pytest.raises(ValueError, match="accuracies_per_part"):
        accuracy_curve_plot([1, 2], {})
