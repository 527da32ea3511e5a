import importlib

import numpy as np
import pytest
from keras import ops

from keras_landmarks.layers import HeatmapsToKeypoints
from keras_landmarks.models import normalized_to_pixels
from keras_landmarks.visualization.heatmaps_with_distributions import (
    heatmaps_with_distributions,
)

# The package re-exports the function under the module's name.
module = importlib.import_module(
    "keras_landmarks.visualization.heatmaps_with_distributions"
)


def _inputs(k=3, size=32, cells=8):
    yy, xx = np.mgrid[0:cells, 0:cells].astype("float32")
    centres = [(1, 2), (6, 6), (3, 0)][:k]
    logits = np.stack([-((xx - x) ** 2 + (yy - y) ** 2) for x, y in centres], -1)
    keypoints, prob_x, prob_y = HeatmapsToKeypoints(return_distributions=True)(
        logits[None]
    )
    image = np.full((size, size, 3), 128.0, "float32")
    pixels = normalized_to_pixels(ops.convert_to_numpy(keypoints), (size, size))[0]
    return (
        image,
        logits,
        ops.convert_to_numpy(prob_x)[0],
        ops.convert_to_numpy(prob_y)[0],
        pixels,
    )


def _peak(picture, k, columns):
    """(x, y) in panel `k` of the heatmap's hottest colour: jet's dark red at
    alpha 0.75 over the grey image."""
    row, column = divmod(k, columns)
    size = module.PANEL_PIXELS
    panel = picture[row * size : (row + 1) * size, column * size : (column + 1) * size]
    ys, xs = np.nonzero(np.abs(panel.astype(int) - (127, 32, 32)).max(-1) < 25)
    assert len(xs) > 20, f"no heatmap peak in panel {k}"
    return xs.mean(), ys.mean()


def test_one_panel_per_keypoint_in_a_grid():
    out = heatmaps_with_distributions(*_inputs(k=3), columns=2)
    assert out.dtype == np.uint8
    assert out.shape == (2 * module.PANEL_PIXELS, 2 * module.PANEL_PIXELS, 3)
    # The peaks sit at cells (x, y) = (1, 2), (6, 6) and (3, 0) of the 8 x 8
    # heatmaps: the same order, left to right and top to bottom, in the panels.
    (x0, y0), (x1, y1), (x2, y2) = (_peak(out, k, columns=2) for k in range(3))
    assert x0 + 20 < x2 < x1 - 20
    assert y2 + 20 < y0 < y1 - 20
    first = heatmaps_with_distributions(*_inputs(k=3), num_keypoints=1)
    assert first.shape == (module.PANEL_PIXELS, module.PANEL_PIXELS, 3)
    assert _peak(first, 0, columns=1) == pytest.approx((x0, y0), abs=8)


def test_cell_centres_follow_the_soft_argmax_grid():
    centres, width = module._cell_centres(8, 32)
    # linspace(-1, 1, 8) mapped with x = (u + 1) / 2 * (W - 1).
    np.testing.assert_allclose(centres, (np.linspace(-1, 1, 8) + 1) / 2 * 31)
    assert width == pytest.approx(31 / 7)


def test_softmax_is_over_all_cells_of_each_channel():
    logits = np.random.default_rng(0).normal(size=(4, 5, 3))
    probabilities = module._softmax_2d(logits)
    np.testing.assert_allclose(probabilities.sum(axis=(0, 1)), 1.0)
    expected = np.exp(logits[..., 1]) / np.exp(logits[..., 1]).sum()
    np.testing.assert_allclose(probabilities[..., 1], expected)


def test_overlay_is_transparent_where_probability_vanishes():
    import matplotlib

    probability = np.array([[0.0, 0.25], [0.0, 1.0]])
    rgba = module._overlay(probability, matplotlib.colormaps["jet"], 0.8)
    np.testing.assert_allclose(rgba[..., 3], [[0.0, 0.4], [0.0, 0.8]])


def test_bad_shapes_are_named():
    image, heatmaps, prob_x, prob_y, keypoints = _inputs()
    with pytest.raises(ValueError, match="prob_x"):
        heatmaps_with_distributions(image, heatmaps, prob_x[:4], prob_y, keypoints)
    with pytest.raises(ValueError, match="prob_y"):
        heatmaps_with_distributions(image, heatmaps, prob_x, prob_y.T, keypoints)
    with pytest.raises(ValueError, match="keypoints"):
        heatmaps_with_distributions(image, heatmaps, prob_x, prob_y, keypoints[:2])
    with pytest.raises(ValueError, match="heatmaps"):
        heatmaps_with_distributions(image, heatmaps[None], prob_x, prob_y, keypoints)
    with pytest.raises(ValueError, match="num_keypoints=4"):
        heatmaps_with_distributions(
            image, heatmaps, prob_x, prob_y, keypoints, num_keypoints=4
        )
