"""Linear regression from discovered keypoints to annotated landmarks.

The paper's evaluation (section 4.1, following Thewlis et al. 2017): the K
discovered keypoints, in pixels, are mapped to the P annotated landmarks by
least squares *without a bias term*, fitted on a training split and applied
unchanged to the test split.
"""

import dataclasses

import numpy as np

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_same_length


@dataclasses.dataclass(frozen=True)
class LandmarkRegressor:
    """A fitted linear map from `(N, K, 2)` keypoints to `(N, P, 2)` landmarks.

    Points are flattened as (x, y) pairs, `[x_0, y_0, x_1, y_1, ...]`, so
    `landmarks.reshape(N, 2P) = keypoints.reshape(N, 2K) @ weights + bias`.

    Attributes:
        weights: `(2K, 2P)` float64 array.
        bias: `(2P,)` float64 array, all zeros when fitted with `bias=False`.
    """

    weights: np.ndarray
    bias: np.ndarray

    @property
    def num_keypoints(self):
        return self.weights.shape[0] // 2

    @property
    def num_landmarks(self):
        return self.weights.shape[1] // 2

    def predict(self, keypoints):
        """Maps `(N, K, 2)` keypoints to `(N, P, 2)` float64 landmarks."""
        keypoints = as_points(keypoints, "keypoints", self.num_keypoints)
        flat = keypoints.reshape(len(keypoints), -1) @ self.weights + self.bias
        return flat.reshape(len(keypoints), self.num_landmarks, 2)


def fit_landmark_regressor(keypoints, landmarks, bias=False, allow_missing=False):
    """Fits the least-squares map from discovered keypoints to landmarks.

    Solves `min_W |X W - Y|^2` with `X` the `(N, 2K)` flattened keypoints and
    `Y` the `(N, 2P)` flattened landmarks, both in pixels and (x, y) order.
    With fewer equations than unknowns (`N < 2K`, e.g. one training image in
    the sample-efficiency curve) the minimum-norm solution is returned, as
    `numpy.linalg.lstsq` gives it. The columns of `Y` are independent least
    squares problems, so where annotations miss points each landmark is
    fitted on the images that annotate it.

    Args:
        keypoints: `(N, K, 2)` discovered keypoints in pixels.
        landmarks: `(N, P, 2)` annotated landmarks in pixels, same images.
        bias: bool, default False. Fit a constant offset too. The paper's
            protocol has no bias; the option is for comparison.
        allow_missing: bool, default False. Landmarks may be NaN (a missing
            point, e.g. a hidden eye in your own annotations). A landmark
            annotated in no image gets NaN weights (NaN predictions).

    Returns:
        A `LandmarkRegressor` whose `.predict(keypoints)` gives `(N, P, 2)`.

    Example:

    >>> keypoints = np.random.default_rng(0).uniform(0, 64, (100, 10, 2))
    >>> regressor = fit_landmark_regressor(keypoints, keypoints[:, :5])
    >>> np.allclose(regressor.predict(keypoints), keypoints[:, :5])
    True
    """
    if not isinstance(bias, bool):
        raise ValueError(f"`bias` must be a bool. Received: bias={bias!r}")
    keypoints = as_points(keypoints, "keypoints")
    landmarks = as_points(landmarks, "landmarks", allow_nan=allow_missing)
    check_same_length(keypoints, "keypoints", landmarks, "landmarks")
    inputs = keypoints.reshape(len(keypoints), -1)
    targets = landmarks.reshape(len(landmarks), -1)
    if bias:
        inputs = np.concatenate([inputs, np.ones((len(inputs), 1))], axis=1)
    annotated = ~np.isnan(landmarks[..., 0])
    if annotated.all():
        solution = np.linalg.lstsq(inputs, targets, rcond=None)[0]
    else:
        solution = np.full((inputs.shape[1], targets.shape[1]), np.nan)
        for point, rows in enumerate(annotated.T):
            if rows.any():
                columns = slice(2 * point, 2 * point + 2)
                solution[:, columns] = np.linalg.lstsq(
                    inputs[rows], targets[rows, columns], rcond=None
                )[0]
    if bias:
        return LandmarkRegressor(weights=solution[:-1], bias=solution[-1])
    return LandmarkRegressor(weights=solution, bias=np.zeros(targets.shape[1]))
