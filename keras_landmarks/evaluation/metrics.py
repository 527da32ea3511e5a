"""Landmark error metrics: inter-ocular normalised error, % within d pixels and
error in % of the image size.

Annotations that miss points (NaN) are scored with `allow_missing=True`: a
missing point is left out of every mean.
"""

import numpy as np

from keras_landmarks.data.datasets.bbc_pose import WITHIN_DISTANCE
from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_reduction
from keras_landmarks.evaluation._validation import check_same_shape
from keras_landmarks.integers import is_integer

REDUCTIONS = ("mean", "per_point", "per_image", "none")

# BBC-Pose (Charles et al. 2013; paper section 4.3): a joint counts as correct
# when it lies within 6 pixels of the annotation (the dataset's protocol).
BBC_POSE_DISTANCE = WITHIN_DISTANCE


def reduce_errors(errors, reduction):
    """Reduces `(N, P)` per-point values as `reduction` asks.

    NaN (a missing point, or an image without its normalising distance) is
    left out: `"mean"` averages the other values, `"per_point"` and
    `"per_image"` average each column or row over its other values (NaN where
    none is left), `"none"` returns `errors` unchanged.
    """
    if reduction == "none":
        return errors
    scored = ~np.isnan(errors)
    if reduction == "mean":
        if not scored.any():
            raise ValueError(
                "No annotated point can be scored (every point missing, or every "
                "image missing its normalising distance)."
            )
        return float(errors[scored].mean())
    axis = 0 if reduction == "per_point" else 1
    with np.errstate(invalid="ignore"):
        return np.where(scored, errors, 0.0).sum(axis=axis) / scored.sum(axis=axis)


def _point_errors(predictions, landmarks, allow_missing=False):
    predictions = as_points(predictions, "predictions", allow_nan=allow_missing)
    landmarks = as_points(landmarks, "landmarks", allow_nan=allow_missing)
    check_same_shape(predictions, "predictions", landmarks, "landmarks")
    return np.linalg.norm(predictions - landmarks, axis=-1), landmarks


def inter_ocular_distance(landmarks, left_eye=0, right_eye=1, allow_missing=False):
    """The distance between the annotated eye centres of each image, `(N,)`.

    Args:
        landmarks: `(N, P, 2)` annotated landmarks in pixels.
        left_eye: int, default 0. Index of the left eye centre.
        right_eye: int, default 1. Index of the right eye centre.
        allow_missing: bool, default False. Landmarks may be NaN (missing):
            the distance is NaN when either eye is missing or the two
            coincide, which leaves the image out of the error. Without it,
            coinciding eyes raise.

    Returns:
        `(N,)` float64 distances in pixels.
    """
    landmarks = as_points(landmarks, "landmarks", allow_nan=allow_missing)
    num_points = landmarks.shape[1]
    for name, index in (("left_eye", left_eye), ("right_eye", right_eye)):
        if not is_integer(index) or not 0 <= index < num_points:
            raise ValueError(
                f"`{name}` must be an int index in [0, {num_points}). "
                f"Received: {name}={index!r}"
            )
    if left_eye == right_eye:
        raise ValueError(
            "`left_eye` and `right_eye` must differ. "
            f"Received: left_eye={left_eye}, right_eye={right_eye}"
        )
    distance = np.linalg.norm(landmarks[:, left_eye] - landmarks[:, right_eye], axis=-1)
    if allow_missing:
        return np.where(distance > 0, distance, np.nan)
    degenerate = np.flatnonzero(distance <= 0.0)
    if degenerate.size:
        raise ValueError(
            "The inter-ocular distance is zero for images "
            f"{degenerate[:10].tolist()}: their landmarks {left_eye} and "
            f"{right_eye} coincide. Received: inter-ocular distance=0.0"
        )
    return distance


def inter_ocular_error(
    predictions,
    landmarks,
    left_eye=0,
    right_eye=1,
    reduction="mean",
    allow_missing=False,
):
    """Point error in % of the inter-ocular distance (paper, Table 1).

    For image `n` and point `p`: `100 * |pred[n, p] - gt[n, p]| / IOD[n]`, with
    `IOD[n] = |gt[n, left_eye] - gt[n, right_eye]|`, the distance between the
    annotated eye centres (MAFL and AFLW order: left eye 0, right eye 1).

    Args:
        predictions: `(N, P, 2)` predicted landmarks in pixels.
        landmarks: `(N, P, 2)` annotated landmarks in pixels.
        left_eye: int, default 0. Index of the left eye centre.
        right_eye: int, default 1. Index of the right eye centre.
        reduction: str, default `"mean"`. `"mean"` gives a float, the mean over
            images and points (the published number); `"per_point"` a `(P,)`
            array (mean over images); `"per_image"` an `(N,)` array (mean over
            points); `"none"` the `(N, P)` array.
        allow_missing: bool, default False. Landmarks may be NaN (missing):
            missing points, and every point of an image missing an eye, are
            left out of the means (`inter_ocular_distance`).

    Returns:
        Error in %, reduced as asked.

    Example:

    >>> gt = np.array([[[0.0, 0.0], [10.0, 0.0]]])
    >>> inter_ocular_error(gt + [1.0, 0.0], gt)
    10.0
    """
    check_reduction(reduction, REDUCTIONS)
    errors, landmarks = _point_errors(predictions, landmarks, allow_missing)
    distance = inter_ocular_distance(landmarks, left_eye, right_eye, allow_missing)
    return reduce_errors(100.0 * errors / distance[:, None], reduction)


def normalized_error(
    predictions, landmarks, norms, reduction="mean", allow_missing=False
):
    """Point error in % of a distance given per image.

    `100 * |pred[n, p] - gt[n, p]| / norms[n]`: `inter_ocular_error` with
    the distances given, e.g. the image side for objects without eyes.

    Args:
        predictions: `(N, P, 2)` predicted landmarks in pixels.
        landmarks: `(N, P, 2)` annotated landmarks in pixels.
        norms: `(N,)` positive distances in pixels (`inter_ocular_distance`,
            or the image side for every image). With `allow_missing`, NaN
            leaves the image out.
        reduction: str, default `"mean"`, as in `inter_ocular_error`.
        allow_missing: bool, default False. Landmarks may be NaN (missing):
            missing points are left out of the means.

    Returns:
        Error in %, reduced as asked.

    Example:

    >>> gt = np.zeros((2, 1, 2))
    >>> normalized_error(gt + [[[3.0, 4.0]]], gt, [10.0, 50.0], "per_image")
    array([50., 10.])
    """
    check_reduction(reduction, REDUCTIONS)
    errors, landmarks = _point_errors(predictions, landmarks, allow_missing)
    norms = np.asarray(norms, dtype=np.float64)
    if norms.shape != (len(landmarks),):
        raise ValueError(
            f"`norms` must have shape ({len(landmarks)},), one per image. "
            f"Received: norms.shape={norms.shape}"
        )
    valid = norms > 0
    if allow_missing:
        valid |= np.isnan(norms)
    if not valid.all() or np.isinf(norms).any():
        raise ValueError(
            "`norms` must be positive and finite"
            + (" (or NaN)" if allow_missing else "")
            + f". Received: norms={norms[~valid | np.isinf(norms)][:10].tolist()}"
        )
    return reduce_errors(100.0 * errors / norms[:, None], reduction)


def percent_within_distance(
    predictions,
    landmarks,
    distance=BBC_POSE_DISTANCE,
    reduction="mean",
    allow_missing=False,
):
    """% of points within `distance` pixels of the annotation (BBC-Pose).

    A point counts when `|pred - gt| <= distance`.

    Args:
        predictions: `(N, P, 2)` predicted points in pixels.
        landmarks: `(N, P, 2)` annotated points in pixels.
        distance: float, default 6.0 (BBC-Pose). Threshold in pixels.
        reduction: str, default `"mean"`. `"mean"` gives a float over all
            images and points; `"per_point"` a `(P,)` array (per part);
            `"per_image"` an `(N,)` array; `"none"` the `(N, P)` 0/100 array.
        allow_missing: bool, default False. Landmarks may be NaN (missing):
            missing points are left out (NaN in `"none"`).

    Returns:
        Percentage in [0, 100], reduced as asked.

    Example:

    >>> gt = np.zeros((1, 2, 2))
    >>> percent_within_distance(gt + [[[3.0, 0.0], [7.0, 0.0]]], gt)
    50.0
    """
    check_reduction(reduction, REDUCTIONS)
    if not np.isscalar(distance) or not np.isfinite(distance) or distance < 0:
        raise ValueError(
            f"`distance` must be a non-negative number. Received: distance={distance!r}"
        )
    errors, _ = _point_errors(predictions, landmarks, allow_missing)
    within = np.where(np.isnan(errors), np.nan, 100.0 * (errors <= distance))
    return reduce_errors(within, reduction)


def within_distance_curve(
    predictions, landmarks, distances=tuple(range(21)), reduction="mean"
):
    """% of points within each of several distances: the accuracy curve.

    Args:
        predictions: `(N, P, 2)` predicted points in pixels.
        landmarks: `(N, P, 2)` annotated points in pixels.
        distances: sequence of non-negative floats, default 0, 1, ..., 20
            pixels.
        reduction: str, default `"mean"`: a `(D,)` array, the % over all
            points for each distance; `"per_point"` gives a `(D, P)` array, one
            curve per part.

    Returns:
        `(D,)` or `(D, P)` float array of percentages.

    Example:

    >>> gt = np.zeros((1, 2, 2))
    >>> within_distance_curve(gt + [[[3.0, 0.0], [7.0, 0.0]]], gt, (0, 5, 10))
    array([  0.,  50., 100.])
    """
    check_reduction(reduction, ("mean", "per_point"))
    distances = np.asarray(distances, dtype=np.float64)
    if distances.ndim != 1 or distances.size < 1:
        raise ValueError(
            "`distances` must be a non-empty 1-D sequence. "
            f"Received: distances.shape={distances.shape}"
        )
    if not np.all(np.isfinite(distances)) or np.any(distances < 0):
        raise ValueError(
            "`distances` must be non-negative numbers. "
            f"Received: distances={distances.tolist()}"
        )
    errors, _ = _point_errors(predictions, landmarks)
    within = errors[None] <= distances[:, None, None]  # (D, N, P)
    per_point = 100.0 * within.mean(axis=1)
    return per_point.mean(axis=1) if reduction == "mean" else per_point


def size_normalized_error(predictions, landmarks, image_size):
    """Mean point error in % of the image size (Human3.6M in the recipes).

    Args:
        predictions: `(N, P, 2)` predicted points in pixels.
        landmarks: `(N, P, 2)` annotated points in pixels.
        image_size: int, the side of the (square) images in pixels.

    Returns:
        float, `100 * mean |pred - gt| / image_size`.

    Example:

    >>> gt = np.zeros((2, 1, 2))
    >>> size_normalized_error(gt + [[[3.0, 4.0]]], gt, 100)
    5.0
    """
    errors = np.linalg.norm(np.asarray(predictions) - np.asarray(landmarks), axis=-1)
    return float(100.0 * errors.mean() / image_size)
