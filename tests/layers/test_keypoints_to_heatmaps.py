import numpy as np
import pytest

from keras_landmarks.layers import KeypointsToHeatmaps
from tests.helpers import golden
from tests.helpers import run_layer_battery
from tests.helpers import to_numpy


@pytest.mark.parametrize("size", [16, 32])
def test_matches_reference_gaussian_maps(size):
    ref = golden()
    maps = KeypointsToHeatmaps(size, size, std=0.1)(ref["mu_render"][..., ::-1])
    np.testing.assert_allclose(
        to_numpy(maps), ref[f"gmap_rot_{size}"], rtol=0, atol=1e-5
    )


def test_peak_is_one_at_the_point_and_follows_the_formula():
    points = np.array([[[-1.0, 1.0], [0.2, -0.4]]], "float32")
    maps = to_numpy(KeypointsToHeatmaps(9, 5, std=0.3)(points))
    assert maps.shape == (1, 9, 5, 2)
    assert maps[0, 8, 0, 0] == pytest.approx(1.0)  # x=-1 (col 0), y=+1 (row 8)
    y = np.linspace(-1, 1, 9)[:, None]
    x = np.linspace(-1, 1, 5)[None, :]
    expected = np.exp(-((y + 0.4) ** 2 + (x - 0.2) ** 2) / 0.09)
    np.testing.assert_allclose(maps[0, :, :, 1], expected, rtol=1e-5, atol=1e-7)


def test_paper_sigma_mapping():
    # exp(-d^2 / std^2) == exp(-d^2 / (2 sigma^2)) with sigma = std / sqrt(2).
    std = 0.1
    sigma = std / np.sqrt(2)
    maps = to_numpy(KeypointsToHeatmaps(16, 16, std=std)(np.zeros((1, 1, 2), "f4")))
    grid = np.linspace(-1, 1, 16)
    d2 = grid[:, None] ** 2 + grid[None, :] ** 2
    np.testing.assert_allclose(
        maps[0, :, :, 0], np.exp(-d2 / (2 * sigma**2)), atol=1e-6
    )


def test_battery(tmp_path):
    points = np.random.default_rng(0).uniform(-1, 1, (2, 3, 2)).astype("float32")
    run_layer_battery(KeypointsToHeatmaps(8, 12), points, tmp_path)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(height=0, width=8), "height"),
        (dict(height=8, width=2.5), "width"),
        (dict(height=8, width=8, std=-1), "std=-1"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        KeypointsToHeatmaps(**kwargs)


def test_bad_keypoint_shape():
    with pytest.raises(ValueError, match=r"\(batch, K, 2\)"):
        KeypointsToHeatmaps(8, 8)(np.zeros((2, 3, 3), "float32"))
