"""Landmark error metrics: inter-ocular normalised error, % within d pixels and
error in % of the image size."""

import numpy as np

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_reduction
from keras_landmarks.evaluation._validation import check_same_shape
from keras_landmarks.integers import is_integer

REDUCTIONS = ("mean", "per_point", "per_image", "none")

# BBC-Pose (Charles et al. 2013; paper section 4.3): a joint counts as correct
# when it lies within 6 pixels of the annotation.
BBC_POSE_DISTANCE = 6.0


def _reduce(values, reduction):
    """Reduces `(N, P)` values as asked by `reduction`."""
    if reduction == "mean":
        return float(values.mean())
    if reduction == "per_point":
        return values.mean(axis=0)
    if reduction == "per_image":
        return values.mean(axis=1)
    return values


def _point_errors(predictions, landmarks):
    predictions = as_points(predictions, "predictions")
    landmarks = as_points(landmarks, "landmarks")
    check_same_shape(predictions, "predictions", landmarks, "landmarks")
    return np.linalg.norm(predictions - landmarks, axis=-1), landmarks


def inter_ocular_error(
    predictions, landmarks, left_eye=0, right_eye=1, reduction="mean"
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

    Returns:
        Error in %, reduced as asked.

    Example:

    >>> gt = np.array([[[0.0, 0.0], [10.0, 0.0]]])
    >>> inter_ocular_error(gt + [1.0, 0.0], gt)
    10.0
    """
    check_reduction(reduction, REDUCTIONS)
    errors, landmarks = _point_errors(predictions, landmarks)
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
    inter_ocular = np.linalg.norm(
        landmarks[:, left_eye] - landmarks[:, right_eye], axis=-1
    )
    degenerate = np.flatnonzero(inter_ocular <= 0.0)
    if degenerate.size:
        raise ValueError(
            "The inter-ocular distance is zero for images "
            f"{degenerate[:10].tolist()}: their landmarks {left_eye} and "
            f"{right_eye} coincide. Received: inter-ocular distance=0.0"
        )
    return _reduce(100.0 * errors / inter_ocular[:, None], reduction)


def percent_within_distance(
    predictions, landmarks, distance=BBC_POSE_DISTANCE, reduction="mean"
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
    errors, _ = _point_errors(predictions, landmarks)
    return _reduce(100.0 * (errors <= distance), reduction)


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
