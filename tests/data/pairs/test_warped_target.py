"""with_warped_target: a thin-plate-spline copy of each pair's target and its grid."""

import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_sources import FrameArrays
from keras_landmarks.data.pairs.warped_target import with_warped_target


def _ramp_pairs(num_pairs, height=20, width=24):
    """Pairs whose target shows its own pixel coordinates: R = x, G = y."""
    x, y = np.meshgrid(np.arange(width), np.arange(height))
    image = np.stack([x, y, np.zeros_like(x)], -1).astype("float32")
    return tf.data.Dataset.from_tensors(
        {"source": image, "target": image, "mask": image[..., :1] * 0 + 1}
    ).repeat(num_pairs)


def test_the_copy_shows_the_target_at_its_grid():
    height, width = 20, 24
    pairs = list(with_warped_target(_ramp_pairs(3), seed=5).as_numpy_iterator())
    for pair in pairs:
        grid, warped = pair["warped_target_grid"], pair["warped_target"]
        assert grid.shape == (height, width, 2) and warped.shape == (height, width, 3)
        # Pixel (j, i) of the copy shows the target at grid[j, i] (align-corners
        # [-1, 1]); bilinear sampling of a linear ramp is exact inside the image.
        x = (grid[..., 0] + 1) / 2 * (width - 1)
        y = (grid[..., 1] + 1) / 2 * (height - 1)
        inside = (x >= 0) & (x <= width - 1) & (y >= 0) & (y <= height - 1)
        assert inside.mean() > 0.5
        np.testing.assert_allclose(warped[..., 0][inside], x[inside], atol=2e-3)
        np.testing.assert_allclose(warped[..., 1][inside], y[inside], atol=2e-3)
        # A real warp, not the identity (the reference's g2 moves pixels).
        identity_x = np.broadcast_to(np.arange(width), (height, width))
        assert np.abs(x - identity_x).mean() > 0.2
        # The pair's own entries are kept as they were.
        np.testing.assert_array_equal(pair["target"][..., 0], identity_x)
        assert set(pair) == {
            "source",
            "target",
            "mask",
            "warped_target",
            "warped_target_grid",
        }
    # Each element draws its own warp.
    first, second = (pair["warped_target_grid"] for pair in pairs[:2])
    assert not np.allclose(first, second)


def test_warps_are_keyed_by_seed_and_differ_from_the_pairs_own_draws():
    frames = np.random.default_rng(0).integers(0, 255, (2, 12, 16, 16, 3), np.uint8)
    pairs = frame_pairs(FrameArrays(frames), seed=3, num_pairs=4)

    def grids(seed):
        warped = with_warped_target(pairs, seed=seed)
        return np.stack([p["warped_target_grid"] for p in warped.as_numpy_iterator()])

    np.testing.assert_array_equal(grids(3), grids(3))
    assert not np.allclose(grids(3), grids(4))
    # The frame pairs themselves are unchanged by adding the copy.
    plain = [p["target"] for p in pairs.as_numpy_iterator()]
    kept = [p["target"] for p in with_warped_target(pairs, 3).as_numpy_iterator()]
    np.testing.assert_array_equal(np.stack(plain), np.stack(kept))


def test_bad_pairs_are_refused_with_what_was_received():
    with pytest.raises(ValueError, match="must be a tf.data.Dataset"):
        with_warped_target([{"target": np.zeros((8, 8, 3))}])
    with pytest.raises(ValueError, match=r"'target' entry. Received: \['image'\]"):
        with_warped_target(tf.data.Dataset.from_tensors({"image": tf.zeros((8, 8, 3))}))
    with pytest.raises(ValueError, match=r"before batching them. Received: shape"):
        with_warped_target(_ramp_pairs(4).batch(2))
    warped = with_warped_target(_ramp_pairs(1))
    with pytest.raises(ValueError, match="already hold"):
        with_warped_target(warped)
    with pytest.raises(ValueError, match="`seed` must be a non-negative int"):
        with_warped_target(_ramp_pairs(1), seed=-1)
