import keras
import numpy as np
import pytest

from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.ops.thin_plate_spline import TARGET_WARP
from keras_landmarks.data.ops.thin_plate_spline import TpsWarpStrength
from keras_landmarks.data.ops.thin_plate_spline import sample_tps_parameters
from keras_landmarks.data.ops.thin_plate_spline import tps_control_points
from keras_landmarks.evaluation import LabelFreeScore
from keras_landmarks.evaluation import equivariance_error
from keras_landmarks.evaluation import geometry_follow_error
from keras_landmarks.evaluation import interpolate_grid
from keras_landmarks.evaluation import model_detect
from keras_landmarks.evaluation import model_reconstruct
from keras_landmarks.evaluation import random_tps_grids
from keras_landmarks.evaluation import swap_pairs
from keras_landmarks.evaluation import temporal_jitter
from tests.helpers import tiny_model

SIZE = 32
DOT_STD = 1.0  # pixels


def render_dots(centres, size=SIZE, std=DOT_STD):
    """Dark images with dot k drawn as a Gaussian in colour channel k (K <= 3)."""
    yy, xx = np.mgrid[0:size, 0:size]
    images = np.zeros((len(centres), size, size, 3), np.float32)
    for n, points in enumerate(centres):
        for k, (x, y) in enumerate(points):
            images[n, ..., k] = 255.0 * np.exp(
                -((xx - x) ** 2 + (yy - y) ** 2) / (2 * std**2)
            )
    return images


def channel_centroids(images):
    """The detector that finds the dots: intensity-weighted centroid per channel.

    Exact for a Gaussian dot away from the border (the truncated tails of a
    1-px dot 11 px from the edge weigh about e^-60).
    """
    images = np.asarray(images, np.float64)
    yy, xx = np.mgrid[0 : images.shape[1], 0 : images.shape[2]]
    mass = images.sum(axis=(1, 2))
    x = (images * xx[..., None]).sum(axis=(1, 2)) / mass
    y = (images * yy[..., None]).sum(axis=(1, 2)) / mass
    return np.stack([x, y], axis=-1).astype(np.float32)


def dot_centres(num_images=4, seed=0):
    # Dots stay 11 px from the border, so mild warps keep them inside.
    return np.random.default_rng(seed).uniform(11, SIZE - 12, (num_images, 3, 2))


def fixed_detector(points):
    """A detector that ignores the image and always returns `points` `(K, 2)`."""
    points = np.asarray(points, np.float32)
    return lambda images: np.broadcast_to(points, (len(images), *points.shape))


def numpy_tps(parameters, points):
    """The warp of `parameters` `(103, 2)` at (x, y) points in [-1, 1], exactly."""
    control = np.asarray(tps_control_points(), np.float64)
    squared = ((points[:, None] - control[None]) ** 2).sum(-1)
    squared = np.maximum(squared, 1e-8)
    design = np.concatenate(
        [squared * np.log(squared), np.ones_like(points[:, :1]), points], axis=-1
    )
    return design @ np.asarray(parameters, np.float64)


def test_equivariant_detector_scores_about_zero():
    centres = dot_centres()
    images = render_dots(centres)
    np.testing.assert_allclose(channel_centroids(images), centres, atol=1e-4)
    score = equivariance_error(channel_centroids, images, seed=0)
    assert isinstance(score, LabelFreeScore)
    assert score.per_keypoint.shape == (3,)
    assert score.per_image.shape == (4,)
    # A centroid maps exactly through an affine warp. What is left is the
    # spline's curvature over the 1-px dot (second order in the dot size) and
    # bilinear resampling of so small a dot: measured about 0.1 % (0.03 px at
    # 32 px) for the target warp and 0.2 % for the stronger source warp. The
    # bounds below are 2-3 times that and 10 times below the ~5 % of a
    # detector that ignores the image (next test).
    assert score.mean < 0.3
    assert score.per_image.max() < 0.5
    stronger = equivariance_error(channel_centroids, images, strength=SOURCE_WARP)
    assert stronger.mean < 0.5


# Pixel centres: the grid holds the spline there, up to float32 rounding.
# Between them: bilinear interpolation of the spline, measured off by 0.009 %
# (0.003 px) at most here; 0.02 % bounds it, 100 times below the error itself.
@pytest.mark.parametrize(
    "points, tolerance",
    [
        ([[8.0, 20.0], [15.0, 15.0], [25.0, 9.0]], 1e-4),
        ([[8.3, 20.6], [15.5, 15.5], [24.75, 9.1]], 2e-2),
    ],
    ids=["pixel_centres", "between_pixels"],
)
def test_detector_that_ignores_the_image_scores_the_warp_displacement(
    points, tolerance
):
    points = np.array(points)
    images = render_dots(dot_centres())
    score = equivariance_error(fixed_detector(points), images, seed=3)
    # Expected: how far the warp moves each point, from the spline itself; in
    # [-1, 1] units, so / 2 for [0, 1] and * 100 for %.
    normalised = points / (SIZE - 1) * 2.0 - 1.0
    expected = np.stack(
        [
            np.linalg.norm(
                numpy_tps(
                    sample_tps_parameters(element_seed(3, n), TARGET_WARP),
                    normalised,
                )
                - normalised,
                axis=-1,
            )
            / 2.0
            * 100.0
            for n in range(len(images))
        ]
    )
    np.testing.assert_allclose(
        score.per_image, expected.mean(axis=1), rtol=0, atol=tolerance
    )
    np.testing.assert_allclose(
        score.per_keypoint, expected.mean(axis=0), rtol=0, atol=tolerance
    )
    assert score.mean == pytest.approx(expected.mean(), abs=tolerance)
    # Translation std 0.1 in [-1, 1], i.e. 5 % of the image per axis.
    assert score.mean > 2.0


def test_warp_strength_scales_the_error():
    images = render_dots(dot_centres())
    detect = fixed_detector([[10.0, 12.0], [20.0, 21.0]])
    target = equivariance_error(detect, images, seed=1)
    # Same draws, half the stds: TARGET_WARP has no rotation or scale, so the
    # displacement is linear in the stds and halves exactly.
    half = TpsWarpStrength(0.0, 0.0, 0.05, (0.0005, 0.0025))
    halved = equivariance_error(detect, images, seed=1, strength=half)
    np.testing.assert_allclose(halved.per_image, target.per_image / 2, rtol=1e-3)
    identity = TpsWarpStrength(0.0, 0.0, 0.0, (0.0, 0.0))
    assert equivariance_error(detect, images, strength=identity).mean < 1e-4
    assert equivariance_error(detect, images, seed=1, strength=SOURCE_WARP).mean > (
        target.mean
    )


def test_same_seed_same_score_other_seed_differs():
    images = render_dots(dot_centres())
    detect = fixed_detector([[10.0, 12.0]])
    first = equivariance_error(detect, images, seed=5)
    again = equivariance_error(detect, images, seed=5)
    other = equivariance_error(detect, images, seed=6)
    assert first.mean == again.mean
    np.testing.assert_array_equal(first.per_image, again.per_image)
    assert abs(first.mean - other.mean) > 0.1


def test_random_tps_grids_follow_the_seed_scheme():
    grids = random_tps_grids(2, 8, 6, seed=4)
    assert grids.shape == (2, 8, 6, 2)
    yy, xx = np.mgrid[0:8, 0:6]
    points = np.stack([xx / 5 * 2 - 1, yy / 7 * 2 - 1], -1).reshape(-1, 2)
    for n in range(2):
        parameters = sample_tps_parameters(element_seed(4, n), TARGET_WARP)
        np.testing.assert_allclose(
            grids[n].reshape(-1, 2), numpy_tps(parameters, points), atol=1e-5
        )


def test_interpolate_grid_is_exact_for_affine_grids_and_extrapolates():
    yy, xx = np.mgrid[0:5, 0:7].astype(np.float64)
    grid = np.stack([2 * xx - yy + 1, 0.5 * yy], -1)[None]
    points = np.array([[[0.0, 0.0], [6.0, 4.0], [2.25, 3.5], [-1.0, 5.5]]])
    expected = np.stack(
        [2 * points[..., 0] - points[..., 1] + 1, 0.5 * points[..., 1]], -1
    )
    np.testing.assert_allclose(interpolate_grid(grid, points), expected, atol=1e-12)


def test_swap_pairs_rolls_the_geometry():
    images = np.arange(4, dtype=np.float32)[:, None, None, None] * np.ones(
        (1, 2, 2, 3), np.float32
    )
    sources, targets = swap_pairs(images)
    np.testing.assert_array_equal(sources[:, 0, 0, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(targets[:, 0, 0, 0], [3, 0, 1, 2])
    _, targets = swap_pairs(images, shift=-1)
    np.testing.assert_array_equal(targets[:, 0, 0, 0], [1, 2, 3, 0])
    with pytest.raises(ValueError, match="shift=4"):
        swap_pairs(images, shift=4)


def test_generator_that_copies_the_target_scores_zero():
    sources, targets = swap_pairs(render_dots(dot_centres()))
    score = geometry_follow_error(channel_centroids, lambda s, t: t, sources, targets)
    assert score.mean == 0.0
    np.testing.assert_array_equal(score.per_keypoint, np.zeros(3))
    np.testing.assert_array_equal(score.per_image, np.zeros(4))


def test_generator_that_ignores_the_geometry_scores_the_keypoint_distance():
    centres = dot_centres()
    sources, targets = swap_pairs(render_dots(centres), shift=1)
    score = geometry_follow_error(channel_centroids, lambda s, t: s, sources, targets)
    offsets = (centres - np.roll(centres, 1, axis=0)) / (SIZE - 1)
    expected = 100.0 * np.linalg.norm(offsets, axis=-1)  # (N, K)
    np.testing.assert_allclose(score.per_image, expected.mean(axis=1), atol=1e-3)
    np.testing.assert_allclose(score.per_keypoint, expected.mean(axis=0), atol=1e-3)
    assert score.mean == pytest.approx(expected.mean(), abs=1e-3)


def test_constant_velocity_has_no_jitter():
    # Dyadic numbers: the second differences are exactly zero.
    t = np.arange(12.0)[:, None, None]
    tracks = np.array([[3.0, 7.0], [-2.0, 0.5]]) + t * np.array([[0.5, -0.25]])
    score = temporal_jitter(tracks)
    assert score.mean == 0.0
    np.testing.assert_array_equal(score.per_keypoint, [0.0, 0.0])
    np.testing.assert_array_equal(score.per_image, np.zeros(10))


def test_one_displaced_frame_gives_the_exact_jitter():
    tracks = np.stack([np.arange(6.0), np.zeros(6)], -1)[:, None]  # 1 px / frame
    tracks[2, 0, 1] = 1.0  # frame 2 one pixel off the line
    score = temporal_jitter(tracks)
    # Motion: |(1, 0)| three times, |(1, +-1)| twice; second differences
    # around frames 1..4: d, -2d, d, 0 with |d| = 1.
    motion = (3 + 2 * np.sqrt(2)) / 5
    np.testing.assert_allclose(score.per_image, np.array([1, 2, 1, 0]) / motion)
    assert score.mean == pytest.approx(1 / motion)
    np.testing.assert_allclose(score.per_keypoint, [1 / motion])


def test_white_noise_on_a_static_point_has_jitter_sqrt_3():
    noise = np.random.default_rng(0).normal(0.0, 2.0, (20000, 2, 2))
    score = temporal_jitter(np.array([[5.0, 9.0], [20.0, 3.0]]) + noise)
    # Second differences of white noise have sqrt(6) sigma per axis, first
    # differences sqrt(2) sigma; mean norms of 2-D Gaussians keep the ratio.
    # 20000 frames: the ratio scatters by 0.1 % (measured over 20 seeds).
    assert score.mean == pytest.approx(np.sqrt(3), rel=0.01)
    np.testing.assert_allclose(score.per_keypoint, np.sqrt(3), rtol=0.015)


def test_jitter_needs_three_frames_and_some_motion():
    with pytest.raises(ValueError, match="T=2"):
        temporal_jitter(np.zeros((2, 4, 2)))
    with pytest.raises(ValueError, match="never move"):
        temporal_jitter(np.ones((5, 4, 2)))
    with pytest.raises(ValueError, match="tracks.shape=\\(5, 4\\)"):
        temporal_jitter(np.ones((5, 4)))


def test_bad_inputs_raise():
    images = render_dots(dot_centres(2))
    with pytest.raises(ValueError, match="images.shape=\\(32, 32, 3\\)"):
        equivariance_error(channel_centroids, images[0])
    calls = []

    def unstable(batch):  # 3 keypoints, then 2
        calls.append(1)
        return channel_centroids(batch)[:, : 4 - len(calls)]

    with pytest.raises(ValueError, match="must have 3 points"):
        equivariance_error(unstable, images)
    with pytest.raises(ValueError, match="one set of keypoints per image"):
        equivariance_error(lambda batch: channel_centroids(batch[:1]), images)
    with pytest.raises(ValueError, match="strength"):
        equivariance_error(channel_centroids, images, strength=0.1)
    with pytest.raises(ValueError, match="reconstruct\\(sources, targets\\)"):
        geometry_follow_error(channel_centroids, lambda s, t: t[:, :16], images, images)


def test_model_adaptors():
    model = tiny_model(num_keypoints=4, image_size=SIZE)
    rng = np.random.default_rng(0)
    sources = rng.uniform(0, 255, (2, SIZE, SIZE, 3)).astype(np.float32)
    targets = rng.uniform(0, 255, (2, SIZE, SIZE, 3)).astype(np.float32)
    # Batches of 1 and 2 only: JAX compiles every op anew for each batch size.
    detect = model_detect(model, batch_size=1)
    reconstruct = model_reconstruct(model, batch_size=1)
    keypoints = detect(targets)
    assert keypoints.shape == (2, 4, 2)
    np.testing.assert_allclose(keypoints, model.predict_keypoints(targets), atol=1e-4)
    reconstructions = reconstruct(sources, targets)
    assert reconstructions.shape == (2, SIZE, SIZE, 3)
    assert reconstructions.dtype == np.float32
    # Batches put back in order: the same as one call on both pairs.
    whole = model({"source": sources, "target": targets}, training=False)
    np.testing.assert_allclose(
        reconstructions,
        keras.ops.convert_to_numpy(whole["reconstruction"]),
        atol=1e-4,
    )
    score = geometry_follow_error(detect, reconstruct, *swap_pairs(targets))
    assert np.isfinite(score.mean)
    assert score.per_keypoint.shape == (4,)
    assert score.per_image.shape == (2,)
    with pytest.raises(ValueError, match="batch_size=0"):
        model_reconstruct(model, batch_size=0)
