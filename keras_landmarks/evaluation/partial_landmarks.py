"""The paper's protocol on annotations that may miss points (NaN).

Your own annotations rarely mark every point in every image (a hidden eye, a
joint out of the frame). Here a missing point is NaN: the regressor of each
landmark is fitted on the images that have it, and errors are averaged over
the points that are annotated. With every point present the numbers are
those of `fit_landmark_regressor` and `inter_ocular_error` (tested).

Normalisation: by the inter-ocular distance (IOD) when two points are named
as eyes (an image missing either eye is left out of the mean), else by the
image side (the side of the box, when a boxes file cropped each image to its
object before resizing).
"""

import dataclasses

import numpy as np

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation.regression import LandmarkRegressor


def as_partial_points(value, name, num_points=None):
    """`value` as float64 `(N, P, 2)`; NaN allowed, inf not.

    A point is missing when either coordinate is NaN (both become NaN).
    """
    points = as_points(value, name, num_points, allow_nan=True).copy()
    points[np.isnan(points).any(-1)] = np.nan
    return points


def fit_partial_regressor(keypoints, landmarks):
    """Least squares without bias from keypoints to landmarks, per landmark
    on the images that annotate it.

    Args:
        keypoints: `(N, K, 2)` finite keypoints, pixels.
        landmarks: `(N, P, 2)` landmarks, NaN where missing.

    Returns:
        A `LandmarkRegressor`; a landmark annotated in no image gets NaN
        weights (NaN predictions).
    """
    keypoints = as_partial_points(keypoints, "keypoints")
    landmarks = as_partial_points(landmarks, "landmarks")
    if np.isnan(keypoints).any():
        raise ValueError("`keypoints` must be finite. Received NaN in `keypoints`.")
    if len(keypoints) != len(landmarks):
        raise ValueError(
            f"`keypoints` and `landmarks` must have as many images. Received: "
            f"{len(keypoints)} and {len(landmarks)}"
        )
    inputs = keypoints.reshape(len(keypoints), -1)
    weights = np.full((inputs.shape[1], 2 * landmarks.shape[1]), np.nan)
    for point in range(landmarks.shape[1]):
        rows = np.isfinite(landmarks[:, point, 0])
        if rows.any():
            weights[:, 2 * point : 2 * point + 2] = np.linalg.lstsq(
                inputs[rows], landmarks[rows, point], rcond=None
            )[0]
    return LandmarkRegressor(weights=weights, bias=np.zeros(weights.shape[1]))


def image_norms(landmarks, eyes=None, image_size=None):
    """The distance each image's errors are divided by, `(N,)`.

    Args:
        landmarks: `(N, P, 2)`, NaN where missing.
        eyes: optional pair of point indices: the inter-ocular distance (NaN
            when either eye is missing or they coincide).
        image_size: the image side, used when `eyes` is None.
    """
    landmarks = as_partial_points(landmarks, "landmarks")
    if eyes is None:
        if image_size is None or not image_size > 0:
            raise ValueError(
                "Give `eyes` or a positive `image_size`. "
                f"Received: image_size={image_size!r}"
            )
        return np.full(len(landmarks), float(image_size))
    left, right = check_eyes(eyes, landmarks.shape[1])
    distance = np.linalg.norm(landmarks[:, left] - landmarks[:, right], axis=-1)
    return np.where(distance > 0, distance, np.nan)


def check_eyes(eyes, num_points):
    """`(left, right)` ints, distinct point indices below `num_points`."""
    try:
        left, right = (int(i) for i in eyes)
    except (TypeError, ValueError):
        raise ValueError(
            f"`eyes` must be two point indices. Received: {eyes!r}"
        ) from None
    if left == right or not (0 <= left < num_points and 0 <= right < num_points):
        raise ValueError(
            f"`eyes` must be two distinct indices in [0, {num_points}). "
            f"Received: eyes={tuple(eyes)}"
        )
    return left, right


@dataclasses.dataclass(frozen=True)
class PartialScore:
    """Errors of one set of predictions against partial annotations.

    Attributes:
        error: float, mean normalised error in % over the annotated points.
        per_point: `(P,)` float, the mean per landmark (NaN: never annotated).
        percent_within: float or None, % of annotated points within
            `distance` pixels.
        num_points: int, annotated points scored.
    """

    error: float
    per_point: np.ndarray
    percent_within: float | None
    num_points: int


def score_partial(predictions, landmarks, norms, distance=None):
    """Scores `(M, P, 2)` predictions against annotations with missing points.

    Args:
        predictions: `(M, P, 2)` pixels.
        landmarks: `(M, P, 2)` pixels, NaN where missing.
        norms: `(M,)` from `image_norms`; NaN leaves the image out of `error`.
        distance: optional float, pixels for `percent_within`.

    Returns:
        A `PartialScore`.
    """
    predictions = as_partial_points(predictions, "predictions", landmarks.shape[1])
    landmarks = as_partial_points(landmarks, "landmarks")
    distances = np.linalg.norm(predictions - landmarks, axis=-1)
    errors = 100.0 * distances / np.asarray(norms, np.float64)[:, None]
    scored = np.isfinite(errors)
    if not scored.any():
        raise ValueError(
            "No annotated point can be scored (every point missing, or every "
            "image missing an eye)."
        )
    counts = scored.sum(0)
    sums = np.where(scored, errors, 0.0).sum(0)
    with np.errstate(invalid="ignore"):
        per_point = sums / counts
    within = None
    if distance is not None:
        present = np.isfinite(distances)
        within = float(100.0 * (distances[present] <= distance).mean())
    return PartialScore(
        error=float(errors[scored].mean()),
        per_point=per_point,
        percent_within=within,
        num_points=int(scored.sum()),
    )


def partial_mean_shape(landmarks):
    """The mean of each landmark over the images that annotate it, `(P, 2)`."""
    landmarks = as_partial_points(landmarks, "landmarks")
    counts = np.isfinite(landmarks[..., 0]).sum(0)[:, None]
    with np.errstate(invalid="ignore"):
        return np.nansum(landmarks, 0) / counts
