import numpy as np
import pytest

from keras_landmarks.evaluation import fit_mean_shape
from keras_landmarks.evaluation import inter_ocular_error


def test_mean_shape_predicts_the_training_mean():
    train = np.array([[[0.0, 0.0], [10.0, 0.0]], [[2.0, 2.0], [12.0, 4.0]]])
    baseline = fit_mean_shape(train)
    np.testing.assert_allclose(baseline.mean_landmarks, [[1.0, 1.0], [11.0, 2.0]])
    predictions = baseline.predict(np.zeros((3, 7, 2)))
    assert predictions.shape == (3, 2, 2)
    np.testing.assert_allclose(
        predictions, np.broadcast_to([[1, 1], [11, 2]], (3, 2, 2))
    )


def test_mean_shape_error_on_a_constructed_case():
    # Train mean of the eyes: (0, 0) and (10, 0). Test faces are the mean
    # shifted by (3, 4): every point is 5 px off, the IOD is 10 -> 50 %.
    train = np.array([[[-1.0, 0.0], [9.0, 0.0]], [[1.0, 0.0], [11.0, 0.0]]])
    test = np.array([[[3.0, 4.0], [13.0, 4.0]]] * 4)
    predictions = fit_mean_shape(train).predict(np.zeros((4, 1, 2)))
    assert inter_ocular_error(predictions, test) == pytest.approx(50.0)


def test_bad_shape_raises():
    with pytest.raises(ValueError, match="landmarks"):
        fit_mean_shape(np.zeros((3, 2)))


def test_mean_shape_of_partial_annotations_averages_the_annotated_images():
    train = np.array([[[0.0, 0.0], [10.0, 0.0]], [[2.0, 2.0], [np.nan, 4.0]]])
    baseline = fit_mean_shape(train, allow_missing=True)
    np.testing.assert_allclose(baseline.mean_landmarks, [[1.0, 1.0], [10.0, 0.0]])
    train[:, 1] = np.nan
    assert np.isnan(fit_mean_shape(train, allow_missing=True).mean_landmarks[1]).all()
    with pytest.raises(ValueError, match="finite"):
        fit_mean_shape(train)
