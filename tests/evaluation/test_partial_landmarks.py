import numpy as np
import pytest

from keras_landmarks.evaluation.baselines import fit_mean_shape
from keras_landmarks.evaluation.metrics import inter_ocular_error
from keras_landmarks.evaluation.metrics import percent_within_distance
from keras_landmarks.evaluation.partial_landmarks import image_norms
from keras_landmarks.evaluation.partial_landmarks import score_partial
from keras_landmarks.evaluation.regression import fit_landmark_regressor


def _data(num_images=60, seed=0):
    rng = np.random.default_rng(seed)
    keypoints = rng.uniform(0, 64, (num_images, 6, 2))
    mixing = rng.normal(0, 0.3, (12, 8))
    landmarks = (keypoints.reshape(num_images, -1) @ mixing).reshape(-1, 4, 2)
    return keypoints, landmarks + rng.normal(0, 0.5, landmarks.shape)


def test_without_missing_points_it_is_the_paper_protocol():
    keypoints, landmarks = _data()
    partial = fit_landmark_regressor(keypoints[:40], landmarks[:40], allow_missing=True)
    full = fit_landmark_regressor(keypoints[:40], landmarks[:40])
    np.testing.assert_allclose(partial.weights, full.weights, atol=1e-8)
    predicted = full.predict(keypoints[40:])
    norms = image_norms(landmarks[40:], eyes=(0, 1))
    score = score_partial(predicted, landmarks[40:], norms, distance=3.0)
    assert score.error == pytest.approx(inter_ocular_error(predicted, landmarks[40:]))
    np.testing.assert_allclose(
        score.per_point,
        inter_ocular_error(predicted, landmarks[40:], reduction="per_point"),
    )
    assert score.percent_within == pytest.approx(
        percent_within_distance(predicted, landmarks[40:], 3.0)
    )
    assert score.num_points == 20 * 4


def test_missing_points_are_left_out_of_the_fit_and_the_score():
    keypoints, landmarks = _data()
    holed = landmarks.copy()
    holed[::3, 2] = np.nan  # point 2 missing in a third of the images
    regressor = fit_landmark_regressor(keypoints[:40], holed[:40], allow_missing=True)
    rows = np.isfinite(holed[:40, 2, 0])
    alone = fit_landmark_regressor(keypoints[:40][rows], landmarks[:40][rows][:, 2:3])
    np.testing.assert_allclose(regressor.weights[:, 4:6], alone.weights, atol=1e-8)
    full = fit_landmark_regressor(keypoints[:40], landmarks[:40])
    np.testing.assert_allclose(regressor.weights[:, :4], full.weights[:, :4], atol=1e-8)
    # Scores: the mean over annotated points only.
    predicted = regressor.predict(keypoints[40:])
    norms = image_norms(holed[40:], image_size=64)
    score = score_partial(predicted, holed[40:], norms)
    distances = np.linalg.norm(predicted - holed[40:], axis=-1)
    assert score.error == pytest.approx(100 * np.nanmean(distances) / 64)
    assert score.num_points == np.isfinite(distances).sum() < 80


def test_an_image_missing_an_eye_is_left_out_of_the_iod_mean():
    landmarks = np.array([[[0.0, 0], [10, 0]], [[np.nan, np.nan], [5, 5]]])
    norms = image_norms(landmarks, eyes=(0, 1))
    assert norms[0] == 10 and np.isnan(norms[1])
    predicted = landmarks.copy()
    predicted[:, :, 0] += 1.0
    predicted[1, 0] = [3.0, 3.0]
    score = score_partial(predicted, landmarks, norms)
    assert score.error == pytest.approx(10.0) and score.num_points == 2


def test_mean_shape_averages_the_annotated_images_of_each_point():
    landmarks = np.array([[[0.0, 0], [1, 1]], [[2.0, 2], [np.nan, 3]]])
    mean_shape = fit_mean_shape(landmarks, allow_missing=True)
    np.testing.assert_allclose(mean_shape.mean_landmarks, [[1, 1], [1, 1]])


def test_bad_inputs_name_the_problem():
    keypoints, landmarks = _data(10)
    with pytest.raises(ValueError, match="eyes=\\(1, 1\\)"):
        image_norms(landmarks, eyes=(1, 1))
    with pytest.raises(ValueError, match="eyes"):
        image_norms(landmarks, eyes=(0, 9))
    with pytest.raises(ValueError, match="image_size"):
        image_norms(landmarks)
    with pytest.raises(ValueError, match="inf"):
        fit_landmark_regressor(
            keypoints, np.full_like(landmarks, np.inf), allow_missing=True
        )
    with pytest.raises(ValueError, match="No annotated point"):
        score_partial(landmarks, np.full_like(landmarks, np.nan), np.ones(10))
