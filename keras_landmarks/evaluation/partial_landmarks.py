"""The paper's protocol on annotations that may miss points (NaN).

Your own annotations rarely mark every point in every image (a hidden eye, a
joint out of the frame). Here a missing point is NaN, and the protocol is the
one of `evaluate_landmarks` with `allow_missing=True`: the regressor of each
landmark is fitted on the images that have it (`fit_landmark_regressor`), the
mean shape averages them (`fit_mean_shape`), and errors are averaged over the
points that are annotated (`metrics.normalized_error`). With every point
present the numbers are those of `evaluate_landmarks`.

Normalisation: by the inter-ocular distance (IOD) when two points are named
as eyes (an image missing either eye is left out of the mean), else by the
image side (the side of the box, when a boxes file cropped each image to its
object before resizing).
"""

import dataclasses

import numpy as np

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation.metrics import inter_ocular_distance
from keras_landmarks.evaluation.metrics import normalized_error
from keras_landmarks.evaluation.metrics import percent_within_distance
from keras_landmarks.evaluation.metrics import reduce_errors


def image_norms(landmarks, eyes=None, image_size=None):
    """The distance each image's errors are divided by, `(N,)`.

    Args:
        landmarks: `(N, P, 2)`, NaN where missing.
        eyes: optional pair of point indices: the inter-ocular distance (NaN
            when either eye is missing or they coincide).
        image_size: the image side, used when `eyes` is None.
    """
    landmarks = as_points(landmarks, "landmarks", allow_nan=True)
    if eyes is None:
        if image_size is None or not image_size > 0:
            raise ValueError(
                "Give `eyes` or a positive `image_size`. "
                f"Received: image_size={image_size!r}"
            )
        return np.full(len(landmarks), float(image_size))
    left, right = check_eyes(eyes, landmarks.shape[1])
    return inter_ocular_distance(landmarks, left, right, allow_missing=True)


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
    errors = normalized_error(
        predictions, landmarks, norms, reduction="none", allow_missing=True
    )
    within = None
    if distance is not None:
        within = percent_within_distance(
            predictions, landmarks, distance, allow_missing=True
        )
    return PartialScore(
        error=reduce_errors(errors, "mean"),
        per_point=reduce_errors(errors, "per_point"),
        percent_within=within,
        num_points=int(np.isfinite(errors).sum()),
    )
