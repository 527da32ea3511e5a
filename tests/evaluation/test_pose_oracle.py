import numpy as np
import pytest

from keras_landmarks.evaluation.metrics import inter_ocular_error
from keras_landmarks.evaluation.pose_oracle import pose_oracle_predictions

# A face-like mean shape: eyes, nose, mouth corners.
SHAPE = np.array([[-1.0, -1.0], [1.0, -1.0], [0.0, 0.2], [-0.8, 1.0], [0.8, 1.0]])


def _similarity(points, angle, scale, shift):
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.array([[cos, -sin], [sin, cos]])
    return scale * points @ rotation.T + shift


def test_translation_oracle_recovers_a_shifted_mean_shape():
    train = np.stack([SHAPE - 0.1, SHAPE + 0.1])  # mean: SHAPE
    test = np.stack([SHAPE + [3.0, -2.0], SHAPE + [10.0, 4.0]])
    np.testing.assert_allclose(pose_oracle_predictions(train, test), test)


def test_translation_oracle_misses_rotation_by_the_known_amount():
    test = _similarity(SHAPE, np.pi / 2, 1.0, [5.0, 5.0])[None]
    predicted = pose_oracle_predictions(SHAPE[None], test, "translation")
    # The shape is not centred: the oracle centres the mean shape on the
    # test centroid, unrotated.
    expected = SHAPE - SHAPE.mean(0) + test[0].mean(0)
    np.testing.assert_allclose(predicted[0], expected)
    assert inter_ocular_error(predicted, test) > 50.0


def test_similarity_oracle_recovers_rotation_scale_and_shift():
    test = np.stack(
        [
            _similarity(SHAPE, 0.3, 1.7, [2.0, -1.0]),
            _similarity(SHAPE, -1.2, 0.5, [0.0, 9.0]),
        ]
    )
    predicted = pose_oracle_predictions(SHAPE[None], test, "similarity")
    np.testing.assert_allclose(predicted, test, atol=1e-12)


def test_similarity_oracle_leaves_the_shape_change_it_cannot_explain():
    # The nose moved sideways: no similarity of the mean shape reaches it,
    # and the least-squares fit spreads the residual over the points.
    test = SHAPE.copy()
    test[2, 0] += 0.5
    predicted = pose_oracle_predictions(SHAPE[None], test[None], "similarity")[0]
    residual = np.linalg.norm(predicted - test, axis=1)
    assert 0.0 < residual[2] < 0.5
    # Least squares: no similarity of the mean shape fits better.
    for angle in (-0.01, 0.01):
        other = _similarity(SHAPE - SHAPE.mean(0), angle, 1.0, test.mean(0))
        assert np.sum((other - test) ** 2) > np.sum((predicted - test) ** 2)


def test_rejects_an_unknown_transform():
    with pytest.raises(ValueError, match="transform='affine'"):
        pose_oracle_predictions(SHAPE[None], SHAPE[None], "affine")


def test_rejects_different_point_counts():
    with pytest.raises(ValueError, match="same number of points"):
        pose_oracle_predictions(SHAPE[None], SHAPE[None, :4], "translation")


def test_rejects_a_single_point_mean_shape_for_similarity():
    with pytest.raises(ValueError, match="single point"):
        pose_oracle_predictions(np.ones((2, 3, 2)), np.ones((1, 3, 2)), "similarity")
