"""part_distances: the keypoint that sits on each part, in % of the IOD."""

import numpy as np
import pytest

from keras_landmarks.evaluation.part_distances import part_distances


def _faces(n=20, seed=0):
    rng = np.random.default_rng(seed)
    base = np.array([[10.0, 10.0], [30.0, 10.0], [20.0, 20.0], [12.0, 30.0]])
    return base + rng.normal(0, 2, (n, 4, 2))


def test_a_keypoint_on_each_part_scores_zero():
    landmarks = _faces()
    # Keypoints: the parts in another order, plus one far away.
    keypoints = np.concatenate(
        [landmarks[:, [2, 0, 3, 1]], np.full((20, 1, 2), 100.0)], axis=1
    )
    result = part_distances(keypoints, landmarks)
    np.testing.assert_allclose(result.median_percent, 0.0, atol=1e-12)
    assert result.keypoint.tolist() == [1, 3, 0, 2]
    assert result.all_median_percent.shape == (5, 4)


def test_offsets_in_percent_of_the_inter_ocular_distance():
    landmarks = np.tile([[[0.0, 0.0], [10.0, 0.0], [5.0, 5.0]]], (5, 1, 1))
    # One keypoint 2 px right of every part: 20 % of the 10-px IOD.
    keypoints = landmarks + [2.0, 0.0]
    np.testing.assert_allclose(part_distances(keypoints, landmarks).median_percent, 20)
    # The median ignores a minority of wild detections.
    keypoints[:2] += 50.0
    np.testing.assert_allclose(part_distances(keypoints, landmarks).median_percent, 20)
    # Keypoints 3 px around a part (a ring) are 30 % away, not on it.
    angles = np.arange(8) * np.pi / 4
    ring = landmarks[:, 2:3] + 3.0 * np.stack([np.cos(angles), np.sin(angles)], -1)
    assert part_distances(ring, landmarks).median_percent[2] == pytest.approx(30)


def test_bad_inputs_name_the_value():
    landmarks = _faces()
    with pytest.raises(ValueError, match="Received: right_eye=7"):
        part_distances(landmarks, landmarks, right_eye=7)
    with pytest.raises(ValueError, match="keypoints"):
        part_distances(landmarks[:3], landmarks)
    same = landmarks.copy()
    same[0, 1] = same[0, 0]
    with pytest.raises(ValueError, match="inter-ocular distance 0"):
        part_distances(landmarks, same)
