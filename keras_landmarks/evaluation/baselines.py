"""The mean-shape baseline that every regression result is reported beside."""

import dataclasses

import numpy as np

from keras_landmarks.evaluation._validation import as_points


@dataclasses.dataclass(frozen=True)
class MeanShapeRegressor:
    """Predicts the training-set mean landmarks for every image.

    It has the same `.predict` interface as `LandmarkRegressor`, so an
    evaluation can run it unchanged. It ignores the keypoints' values and uses
    only their number of images.

    Attributes:
        mean_landmarks: `(P, 2)` float64 array.
    """

    mean_landmarks: np.ndarray

    def predict(self, keypoints):
        """Returns `(N, P, 2)` copies of the mean shape for `N` images."""
        num_images = np.shape(keypoints)[0]
        return np.broadcast_to(
            self.mean_landmarks, (num_images, *self.mean_landmarks.shape)
        ).copy()


def fit_mean_shape(landmarks, allow_missing=False):
    """Fits the mean-shape baseline on training landmarks.

    Args:
        landmarks: `(N, P, 2)` annotated training landmarks in pixels.
        allow_missing: bool, default False. Landmarks may be NaN (a missing
            point): each landmark is averaged over the images that annotate
            it, NaN when none does.

    Returns:
        A `MeanShapeRegressor` predicting their mean, `(P, 2)`, for any image.

    Example:

    >>> baseline = fit_mean_shape(np.array([[[0.0, 0.0]], [[2.0, 4.0]]]))
    >>> baseline.predict(np.zeros((3, 10, 2)))[:, 0]
    array([[1., 2.],
           [1., 2.],
           [1., 2.]])
    """
    landmarks = as_points(landmarks, "landmarks", allow_nan=allow_missing)
    annotated = ~np.isnan(landmarks)
    with np.errstate(invalid="ignore"):
        mean = np.where(annotated, landmarks, 0.0).sum(axis=0) / annotated.sum(axis=0)
    return MeanShapeRegressor(mean_landmarks=mean)
