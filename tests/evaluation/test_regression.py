import numpy as np
import pytest

from keras_landmarks.evaluation import fit_landmark_regressor


def random_points(seed, shape):
    return np.random.default_rng(seed).uniform(0, 64, shape)


def test_recovers_an_exact_linear_map():
    keypoints = random_points(0, (50, 10, 2))
    weights = np.random.default_rng(1).normal(size=(20, 10))
    landmarks = (keypoints.reshape(50, 20) @ weights).reshape(50, 5, 2)
    regressor = fit_landmark_regressor(keypoints, landmarks)
    np.testing.assert_allclose(regressor.weights, weights, atol=1e-8)
    np.testing.assert_array_equal(regressor.bias, np.zeros(10))
    test = random_points(2, (7, 10, 2))
    expected = (test.reshape(7, 20) @ weights).reshape(7, 5, 2)
    np.testing.assert_allclose(regressor.predict(test), expected, atol=1e-8)


def test_flattening_is_x_y_pairs():
    # Landmark 0 = (y of keypoint 1, x of keypoint 0): weights in (x, y) pairs.
    keypoints = random_points(0, (30, 2, 2))
    landmarks = np.stack([keypoints[:, 1, 1], keypoints[:, 0, 0]], -1)[:, None]
    weights = fit_landmark_regressor(keypoints, landmarks).weights
    expected = np.zeros((4, 2))
    expected[3, 0] = 1.0  # y of keypoint 1 -> x of landmark 0
    expected[0, 1] = 1.0  # x of keypoint 0 -> y of landmark 0
    np.testing.assert_allclose(weights, expected, atol=1e-10)


def test_bias_absorbs_a_translation_that_no_bias_cannot():
    keypoints = random_points(0, (40, 3, 2))
    landmarks = keypoints[:, :2] + np.array([5.0, -3.0])
    with_bias = fit_landmark_regressor(keypoints, landmarks, bias=True)
    np.testing.assert_allclose(with_bias.predict(keypoints), landmarks, atol=1e-8)
    np.testing.assert_allclose(with_bias.bias, [5.0, -3.0, 5.0, -3.0], atol=1e-8)
    without = fit_landmark_regressor(keypoints, landmarks, bias=False)
    residual = np.abs(without.predict(keypoints) - landmarks).max()
    assert residual > 0.1  # 6 inputs cannot express a constant exactly


def test_no_bias_fits_a_translation_when_the_inputs_hold_a_constant():
    # The paper's regressor has no bias, but keypoints near a fixed position
    # carry one: a constant keypoint column makes the translation exact.
    keypoints = random_points(0, (40, 3, 2))
    keypoints[:, 2] = 1.0
    landmarks = keypoints[:, :2] + np.array([5.0, -3.0])
    regressor = fit_landmark_regressor(keypoints, landmarks)
    np.testing.assert_allclose(regressor.predict(keypoints), landmarks, atol=1e-8)


def test_underdetermined_fit_is_the_minimum_norm_solution():
    keypoints = random_points(0, (1, 10, 2))
    landmarks = random_points(1, (1, 5, 2))
    regressor = fit_landmark_regressor(keypoints, landmarks)
    np.testing.assert_allclose(regressor.predict(keypoints), landmarks, atol=1e-8)
    np.testing.assert_allclose(
        regressor.weights,
        np.linalg.pinv(keypoints.reshape(1, 20)) @ landmarks.reshape(1, 10),
    )


BAD_SHAPES = [
    (np.zeros((5, 10)), np.zeros((5, 5, 2)), "keypoints"),
    (np.zeros((5, 10, 3)), np.zeros((5, 5, 2)), "keypoints"),
    (np.zeros((5, 10, 2)), np.zeros((4, 5, 2)), "same number of images"),
    (np.zeros((5, 10, 2)), np.full((5, 5, 2), np.nan), "finite"),
    (np.zeros((0, 10, 2)), np.zeros((0, 5, 2)), "num_images >= 1"),
]


def test_bad_shapes_raise():
    for keypoints, landmarks, message in BAD_SHAPES:
        with pytest.raises(ValueError, match=message):
            fit_landmark_regressor(keypoints, landmarks)


def test_predict_checks_the_number_of_keypoints():
    regressor = fit_landmark_regressor(
        random_points(0, (20, 4, 2)), random_points(1, (20, 2, 2))
    )
    with pytest.raises(ValueError, match="4 points"):
        regressor.predict(np.zeros((3, 5, 2)))


def test_bias_must_be_bool():
    with pytest.raises(ValueError, match="bias"):
        fit_landmark_regressor(np.zeros((2, 1, 2)), np.zeros((2, 1, 2)), bias=1)


def test_a_missing_landmark_is_fitted_on_the_images_that_annotate_it():
    keypoints = random_points(0, (40, 3, 2))
    landmarks = keypoints[:, :2] + np.array([5.0, -3.0])
    missing = np.arange(40) % 4 == 0
    holed = landmarks.copy()
    holed[missing, 1, 0] = np.nan  # one coordinate missing: the point is missing
    # Noise on landmark 0 where landmark 1 is missing: a fit of landmark 0 on
    # the other 30 images would be exact, the fit on all 40 is not.
    holed[missing, 0] += random_points(1, (10, 2))
    regressor = fit_landmark_regressor(keypoints, holed, bias=True, allow_missing=True)
    # Landmark 1 is exact on the 30 images that have it, so on all of them.
    predicted = regressor.predict(keypoints)
    np.testing.assert_allclose(predicted[:, 1], landmarks[:, 1], atol=1e-8)
    alone = fit_landmark_regressor(keypoints[~missing], holed[~missing, 1:], bias=True)
    np.testing.assert_allclose(regressor.weights[:, 2:], alone.weights, atol=1e-10)
    # Landmark 0, annotated everywhere, is the plain fit of all 40 images.
    full = fit_landmark_regressor(keypoints, holed[:, :1], bias=True)
    np.testing.assert_allclose(regressor.weights[:, :2], full.weights, atol=1e-10)
    np.testing.assert_allclose(regressor.bias[:2], full.bias, atol=1e-10)
    assert np.abs(predicted[:, 0] - landmarks[:, 0]).max() > 0.1


def test_a_landmark_annotated_nowhere_predicts_nan():
    keypoints = random_points(0, (20, 3, 2))
    landmarks = random_points(1, (20, 2, 2))
    landmarks[:, 1] = np.nan
    regressor = fit_landmark_regressor(keypoints, landmarks, allow_missing=True)
    predicted = regressor.predict(keypoints)
    assert np.isfinite(predicted[:, 0]).all() and np.isnan(predicted[:, 1]).all()
