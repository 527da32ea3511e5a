import numpy as np
import pytest

from keras_landmarks.evaluation import match_keypoints
from keras_landmarks.evaluation import matched_keypoints


def test_recovers_a_known_permutation_with_extra_keypoints():
    rng = np.random.default_rng(0)
    landmarks = rng.uniform(0, 64, (30, 5, 2))
    decoys = rng.uniform(0, 64, (30, 3, 2))
    # Keypoint k copies landmark order[k] with noise; 3 decoys in between.
    order = [4, 1, 3, 0, 2]
    keypoints = np.concatenate(
        [landmarks[:, order] + rng.normal(0, 0.5, (30, 5, 2)), decoys], axis=1
    )
    keypoints = keypoints[:, [0, 5, 1, 6, 2, 3, 7, 4]]
    indices, cost = match_keypoints(keypoints, landmarks)
    assert cost.shape == (8, 5)
    # Landmark p should get the keypoint that copies it.
    np.testing.assert_allclose(matched_keypoints(keypoints, indices), landmarks, atol=3)
    np.testing.assert_array_equal(indices, [5, 2, 7, 4, 0])


def test_fewer_keypoints_than_landmarks_leaves_some_unmatched():
    rng = np.random.default_rng(1)
    landmarks = rng.uniform(0, 64, (10, 4, 2))
    keypoints = landmarks[:, [2, 0]]
    indices, _ = match_keypoints(keypoints, landmarks)
    np.testing.assert_array_equal(indices, [1, -1, 0, -1])
    matched = matched_keypoints(keypoints, indices)
    assert np.all(np.isnan(matched[:, [1, 3]]))
    np.testing.assert_array_equal(matched[:, [0, 2]], landmarks[:, [0, 2]])


def test_missing_landmarks_are_left_out_of_the_cost():
    rng = np.random.default_rng(2)
    landmarks = rng.uniform(0, 64, (12, 3, 2))
    keypoints = landmarks[:, [1, 2, 0]].copy()
    landmarks[::3, 0] = np.nan  # landmark 0 missing in a third of the images
    indices, cost = match_keypoints(keypoints, landmarks)
    np.testing.assert_array_equal(indices, [2, 0, 1])
    assert np.all(np.isfinite(cost)) and cost[2, 0] == 0
    landmarks[:, 1] = np.nan
    with pytest.raises(ValueError, match=r"Missing everywhere: landmarks \[1\]"):
        match_keypoints(keypoints, landmarks)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="same number of images"):
        match_keypoints(np.zeros((3, 5, 2)), np.zeros((2, 5, 2)))
    with pytest.raises(ValueError, match="indices"):
        matched_keypoints(np.zeros((3, 5, 2)), np.array([5]))
