"""EquivarianceLoss: grid sampling at points, the coordinate scale, training with it."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.pairs.tps_pairs import tps_pairs
from keras_landmarks.losses.equivariance_loss import EquivarianceLoss
from keras_landmarks.losses.equivariance_loss import heatmap_to_image_scale
from keras_landmarks.losses.equivariance_loss import sample_grid_at_points
from keras_landmarks.losses.pixel_loss import PixelLoss
from tests.helpers import tiny_model
from tests.helpers import to_numpy


def affine_grid(batch, size, matrix, offset):
    """grid[b, j, i] = matrix @ (x_i, y_j) + offset, in [-1, 1] coordinates."""
    axis = np.linspace(-1.0, 1.0, size)
    x, y = np.meshgrid(axis, axis)
    points = np.stack([x, y], -1) @ np.asarray(matrix).T + offset
    return np.repeat(points[None], batch, 0).astype("float32")


def test_sampling_an_affine_grid_is_exact_between_pixels():
    matrix, offset = [[0.9, 0.1], [-0.2, 1.1]], [0.05, -0.1]
    grid = affine_grid(2, 9, matrix, offset)
    points = np.random.default_rng(0).uniform(-1, 1, (2, 5, 2)).astype("float32")
    sampled = to_numpy(sample_grid_at_points(grid, points))
    # Bilinear interpolation reproduces an affine function exactly.
    np.testing.assert_allclose(sampled, points @ np.asarray(matrix).T + offset, 1e-5)
    # On the border (x = +1, y = -1) and outside it: the border value.
    edge = to_numpy(sample_grid_at_points(grid, np.array([[[1.0, -1.0]]] * 2)))
    np.testing.assert_allclose(edge[0, 0], grid[0, 0, -1], atol=1e-6)
    outside = to_numpy(sample_grid_at_points(grid, np.array([[[3.0, -5.0]]] * 2)))
    np.testing.assert_allclose(outside[0, 0], grid[0, 0, -1], atol=1e-6)


def test_heatmap_to_image_scale():
    # 12 cells on 48 px: cell 0 is centred on pixel 1.5, i.e. x = -1 + 3/47.
    scale_x, scale_y = heatmap_to_image_scale((32, 48), (8, 12))
    assert scale_x == pytest.approx(1 - 3 / 47)
    assert scale_y == pytest.approx(1 - 3 / 31)


def test_a_perfectly_equivariant_detector_scores_zero():
    loss = EquivarianceLoss((33, 33), (33, 33))  # scale 1: no downsampling
    matrix, offset = [[0.8, 0.2], [0.1, 0.9]], [0.1, 0.05]
    grid = affine_grid(3, 33, matrix, offset)
    source = np.random.default_rng(1).uniform(-0.8, 0.8, (3, 4, 2)).astype("float32")
    target = source @ np.asarray(matrix).T + offset
    assert float(to_numpy(loss(source, target, grid))) == pytest.approx(0, abs=1e-10)
    # Off by 0.1 in x on every point: 0.01.
    shifted = target + np.array([0.1, 0.0], "float32")
    assert float(to_numpy(loss(source, shifted, grid))) == pytest.approx(0.01, 1e-4)


def test_config_round_trip_and_bad_sizes():
    loss = EquivarianceLoss((48, 48), (12, 12))
    assert EquivarianceLoss.from_config(loss.get_config()).scale == loss.scale
    with pytest.raises(ValueError, match=r"Received: heatmap_size=\(1, 12\)"):
        EquivarianceLoss((48, 48), (1, 12))


def _grid_pairs(n=8, size=32):
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, (n, size, size, 3)).astype("float32")
    pairs = tps_pairs(tf.data.Dataset.from_tensor_slices(images), return_grid=True)
    return next(iter(pairs.batch(n).as_numpy_iterator()))


def test_tps_pairs_grid_is_the_warp_that_made_the_source():
    batch = _grid_pairs()
    assert batch["source_grid"].shape == (8, 32, 32, 2)
    # Resampling the target at the grid gives the source back.
    from keras_landmarks.data.ops.bilinear_sampler import bilinear_sample

    resampled = bilinear_sample(batch["target"], batch["source_grid"]).numpy()
    np.testing.assert_allclose(resampled, batch["source"], atol=1e-3)


def test_training_with_the_term_tracks_it_and_changes_the_detector():
    batch = _grid_pairs()
    model = tiny_model(loss=PixelLoss(), equivariance_weight=100.0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    before = [to_numpy(w) for w in model.detector.weights]
    history = model.fit(batch, epochs=2, batch_size=4, verbose=0)
    assert np.all(np.isfinite(history.history["equivariance_loss"]))
    assert history.history["equivariance_loss"][0] > 0
    after = [to_numpy(w) for w in model.detector.weights]
    assert any(not np.allclose(a, b) for a, b in zip(before, after, strict=True))
    # The weight survives a config round trip; pairs without the grid are refused.
    assert type(model).from_config(model.get_config()).equivariance_weight == 100.0
    del batch["source_grid"]
    with pytest.raises(ValueError, match="needs pairs with 'source_grid'.*'warped"):
        model.fit(batch, epochs=1, batch_size=4, verbose=0)


def test_a_warped_copy_of_the_target_gives_the_term_of_the_source_grid():
    # Video pairs carry "warped_target" and its grid instead of a source that
    # is a warp of the target: with the still pair's source as that copy, the
    # term is the same number, whatever the (appearance) source is.
    batch = _grid_pairs()
    model = tiny_model(loss=PixelLoss(), equivariance_weight=100.0)
    still = {k: batch[k] for k in ("source", "target", "mask", "source_grid")}
    video = {
        "source": batch["target"][::-1].copy(),
        "target": batch["target"],
        "mask": batch["mask"],
        "warped_target": batch["source"],
        "warped_target_grid": batch["source_grid"],
    }
    terms = []
    for pairs in (still, video):
        model.equivariance_tracker.reset_state()
        model.compute_loss(x=pairs, y_pred=model(pairs, training=True))
        terms.append(float(to_numpy(model.equivariance_tracker.result())))
    assert terms[0] > 0
    assert terms[1] == pytest.approx(terms[0], rel=1e-5)
    # An identity grid on an unwarped copy: the detector agrees with itself.
    identity = affine_grid(len(batch["target"]), 32, np.eye(2), [0.0, 0.0])
    video.update(warped_target=batch["target"], warped_target_grid=identity)
    model.equivariance_tracker.reset_state()
    model.compute_loss(x=video, y_pred=model(video, training=True))
    assert float(to_numpy(model.equivariance_tracker.result())) < 1e-9


def test_negative_weight_is_refused():
    with pytest.raises(ValueError, match="Received: equivariance_weight=-1"):
        tiny_model(equivariance_weight=-1)
