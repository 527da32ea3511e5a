import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.evaluation.keypoint_stability import keypoint_stability

# Keypoint k of an image with value v sits at (v * SPEED[k], 0): between a pair
# whose images differ by 1 it moves SPEED[k] pixels.
SPEED = np.array([3.0, 0.5, 2.0])


class _MovingKeypoints:
    def predict_keypoints(self, images):
        value = images[:, 0, 0, 0]
        x = value[:, None] * SPEED[None]
        return np.stack([x, np.zeros_like(x)], -1)


def _pairs(count):
    source = np.arange(count, dtype=np.float32)[:, None, None, None]
    source = np.broadcast_to(source, (count, 2, 2, 3))
    return tf.data.Dataset.from_tensor_slices({"source": source, "target": source + 1})


def test_the_keypoint_that_moves_least_comes_first():
    order, distances = keypoint_stability(_MovingKeypoints(), _pairs(5), num_pairs=4)
    np.testing.assert_array_equal(order, [1, 2, 0])
    np.testing.assert_allclose(distances, SPEED)


def test_no_pairs_raise():
    with pytest.raises(ValueError, match="No pairs"):
        keypoint_stability(_MovingKeypoints(), _pairs(2).take(0), num_pairs=3)


class _OneStuckKeypoint(_MovingKeypoints):
    def predict_keypoints(self, images):
        points = super().predict_keypoints(images)
        points[:, 1] = [40.0, 12.0]  # keypoint 1 never moves: marks no part
        return points


def test_a_keypoint_stuck_at_one_position_ranks_last():
    order, distances = keypoint_stability(_OneStuckKeypoint(), _pairs(5), num_pairs=4)
    assert distances[1] == 0
    np.testing.assert_array_equal(order, [2, 0, 1])
    # Without the rule it would have ranked first.
    order, _ = keypoint_stability(_OneStuckKeypoint(), _pairs(5), 4, min_spread=0)
    np.testing.assert_array_equal(order, [1, 2, 0])
