import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.ops.thin_plate_spline import TARGET_WARP
from keras_landmarks.data.ops.thin_plate_spline import TpsWarpStrength
from keras_landmarks.data.ops.thin_plate_spline import sample_tps_parameters
from keras_landmarks.data.ops.thin_plate_spline import tps_control_points
from keras_landmarks.data.ops.thin_plate_spline import tps_design_matrix
from keras_landmarks.data.ops.thin_plate_spline import tps_grid
from tests.helpers import golden


def test_control_points_match_reference():
    np.testing.assert_allclose(
        tps_control_points().numpy(), golden()["tps_control_pts"], atol=1e-6
    )


def test_design_matrix_matches_reference():
    np.testing.assert_allclose(
        tps_design_matrix(32, 32).numpy(), golden()["tps_L_32"], atol=1e-5
    )


def test_design_matrix_inside_tf_data():
    dataset = tf.data.Dataset.range(1).map(lambda _: tps_design_matrix(32, 32))
    np.testing.assert_allclose(
        next(iter(dataset)).numpy(), golden()["tps_L_32"], atol=1e-5
    )


def test_design_matrix_numpy_rederivation_non_square():
    height, width = 5, 7
    axis = np.linspace(-1, 1, 10)
    control = np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)  # x fastest
    ys, xs = np.meshgrid(np.linspace(-1, 1, height), np.linspace(-1, 1, width))
    points = np.stack([xs.T.ravel(), ys.T.ravel()], -1)
    d2 = np.maximum(((points[:, None] - control[None]) ** 2).sum(-1), 1e-8)
    expected = np.concatenate(
        [d2 * np.log(d2), np.ones((len(points), 1)), points], axis=1
    )
    np.testing.assert_allclose(
        tps_design_matrix(height, width).numpy(), expected, atol=1e-5
    )


def test_grid_matches_reference_eager_and_batched():
    data = golden()
    grids = tps_grid(data["tps_W_target"], 32, 32).numpy()
    np.testing.assert_allclose(grids, data["tps_grid_target_32"], atol=1e-5)
    one = tps_grid(data["tps_W_target"][1], 32, 32).numpy()
    np.testing.assert_allclose(one, data["tps_grid_target_32"][1], atol=1e-5)


def test_grid_matches_reference_inside_tf_data():
    data = golden()
    dataset = tf.data.Dataset.from_tensor_slices(data["tps_W_target"]).map(
        lambda w: tps_grid(w, 32, 32)
    )
    grids = np.stack([g.numpy() for g in dataset])
    np.testing.assert_allclose(grids, data["tps_grid_target_32"], atol=1e-5)


def test_zero_strength_gives_identity_grid():
    still = TpsWarpStrength(0.0, 0.0, 0.0, (0.0, 0.0))
    w = sample_tps_parameters(tf.constant([3, 4]), still)
    grid = tps_grid(w, 4, 6).numpy()
    xs, ys = np.linspace(-1, 1, 6), np.linspace(-1, 1, 4)
    np.testing.assert_allclose(grid[..., 0], np.tile(xs, (4, 1)), atol=1e-6)
    np.testing.assert_allclose(grid[..., 1].T, np.tile(ys, (6, 1)), atol=1e-6)


def test_pure_rotation_and_translation_by_construction():
    # Only rotation: rows 101..102 are a rotation matrix, the rest zero.
    turn = TpsWarpStrength(30.0, 0.0, 0.0, (0.0, 0.0))
    w = sample_tps_parameters(tf.constant([0, 7]), turn).numpy()
    np.testing.assert_array_equal(w[:101], 0.0)
    linear = w[101:]
    np.testing.assert_allclose(linear @ linear.T, np.eye(2), atol=1e-6)
    assert linear[0, 0] == pytest.approx(linear[1, 1])
    assert linear[0, 1] == pytest.approx(-linear[1, 0])


def test_parameter_statistics_follow_the_recipe():
    seeds = tf.stack([tf.zeros(400, tf.int64), tf.range(400, dtype=tf.int64)], 1)
    w = tf.map_fn(
        lambda s: sample_tps_parameters(s, SOURCE_WARP),
        seeds,
        fn_output_signature=tf.float32,
    ).numpy()
    rbf, shift, linear = w[:, :100], w[:, 100], w[:, 101:]
    # warpsd[0]^2 + 0.5 * warpsd[1]^2 is the variance of each RBF weight.
    assert rbf.std() == pytest.approx(np.sqrt(0.001**2 + 0.5 * 0.01**2), rel=0.05)
    assert shift.std() == pytest.approx(0.1, rel=0.1)
    scale = np.sqrt(np.linalg.det(linear))
    assert scale.std() == pytest.approx(0.1, rel=0.15)
    angle = np.degrees(np.arctan2(linear[:, 1, 0], linear[:, 0, 0]))
    assert angle.std() == pytest.approx(5.0, rel=0.15)
    target = sample_tps_parameters(tf.constant([0, 1]), TARGET_WARP).numpy()
    np.testing.assert_array_equal(target[101:], np.eye(2))


def test_seeded():
    a = sample_tps_parameters(tf.constant([1, 2]), TARGET_WARP).numpy()
    b = sample_tps_parameters(tf.constant([1, 2]), TARGET_WARP).numpy()
    c = sample_tps_parameters(tf.constant([1, 3]), TARGET_WARP).numpy()
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 1e-4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(rotation_std=-1.0), "rotation_std=-1.0"),
        (dict(warp_std=(0.1,)), "warp_std"),
        (dict(scale_std="big"), "big"),
    ],
)
def test_strength_validation(kwargs, message):
    base = dict(rotation_std=0.0, scale_std=0.0, translation_std=0.0, warp_std=(0, 0))
    with pytest.raises(ValueError, match=message):
        TpsWarpStrength(**{**base, **kwargs})


def test_grid_rejects_bad_shapes():
    with pytest.raises(ValueError, match="shape"):
        tps_grid(np.zeros((103, 3)), 8, 8)
    with pytest.raises(ValueError, match="height=1"):
        tps_design_matrix(1, 8)
