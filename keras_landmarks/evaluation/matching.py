"""Hungarian matching of raw discovered keypoints to annotated landmarks.

Not a protocol of the paper: Jakab et al. 2018 report every landmark error
after the linear regression (`regression.py`), and the authors' evaluation
code (tomasjakab/imm `scripts/test.py`) fits only that regressor. Matching
scores the raw keypoints instead, each landmark paired with one distinct
keypoint (`evaluate --matched`).
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_same_length

UNMATCHED = -1


def match_keypoints(keypoints, landmarks):
    """Assigns each annotated landmark a distinct discovered keypoint.

    The cost of pairing keypoint `k` with landmark `p` is their mean distance
    over the images that annotate `p` (NaN marks a missing landmark); the
    assignment minimising the total cost is found with
    the Hungarian algorithm (`scipy.optimize.linear_sum_assignment`). This
    evaluates raw keypoints without any regression.

    With `K >= P` every landmark gets its own keypoint and `K - P` keypoints
    are left over. With `K < P` only `K` landmarks can be matched; the others
    get `UNMATCHED` (-1), and `matched_keypoints` gives NaN for them.

    Args:
        keypoints: `(N, K, 2)` discovered keypoints in pixels.
        landmarks: `(N, P, 2)` annotated landmarks in pixels, same images;
            NaN where missing.

    Returns:
        Tuple `(indices, cost)`: `indices`, an `(P,)` int array, the keypoint
        matched to each landmark or -1; `cost`, the `(K, P)` mean-distance
        matrix.

    Raises:
        ValueError: a landmark is missing (NaN) in every image, or the
            arrays are not `(N, ., 2)` of the same N.

    Example:

    >>> landmarks = np.random.default_rng(0).uniform(0, 64, (20, 3, 2))
    >>> keypoints = landmarks[:, [2, 0, 1]]
    >>> match_keypoints(keypoints, landmarks)[0]
    array([1, 2, 0])
    """
    keypoints = as_points(keypoints, "keypoints")
    landmarks = as_points(landmarks, "landmarks", allow_nan=True)
    check_same_length(keypoints, "keypoints", landmarks, "landmarks")
    annotated = (~np.isnan(landmarks).any(axis=-1)).any(axis=0)
    if not annotated.all():
        raise ValueError(
            "Every landmark needs an annotation in some image to be matched. "
            f"Missing everywhere: landmarks {np.flatnonzero(~annotated).tolist()}"
        )
    cost = np.nanmean(
        np.linalg.norm(keypoints[:, :, None, :] - landmarks[:, None, :, :], axis=-1),
        axis=0,
    )
    rows, columns = linear_sum_assignment(cost)
    indices = np.full(landmarks.shape[1], UNMATCHED, dtype=np.int64)
    indices[columns] = rows
    return indices, cost


def matched_keypoints(keypoints, indices):
    """Picks the matched keypoint for each landmark.

    Args:
        keypoints: `(N, K, 2)` discovered keypoints.
        indices: `(P,)` int array from `match_keypoints`; -1 marks a landmark
            without a keypoint.

    Returns:
        `(N, P, 2)` float64 array; NaN for unmatched landmarks.

    Example:

    >>> keypoints = np.arange(12.0).reshape(1, 6, 2)
    >>> matched_keypoints(keypoints, np.array([5, -1]))
    array([[[10., 11.],
            [nan, nan]]])
    """
    keypoints = as_points(keypoints, "keypoints")
    indices = np.asarray(indices)
    num_keypoints = keypoints.shape[1]
    if (
        indices.ndim != 1
        or not np.issubdtype(indices.dtype, np.integer)
        or np.any(indices < UNMATCHED)
        or np.any(indices >= num_keypoints)
    ):
        raise ValueError(
            f"`indices` must be a 1-D int array of values in [-1, {num_keypoints}). "
            f"Received: indices={indices.tolist()}"
        )
    matched = keypoints[:, indices].copy()
    matched[:, indices == UNMATCHED] = np.nan
    return matched
