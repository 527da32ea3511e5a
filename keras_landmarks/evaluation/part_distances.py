"""Do the keypoints sit on the parts? The nearest keypoint to each annotated part.

The regression protocol can recover a part from a ring of keypoints around it;
this measure asks whether some keypoint lands on the part itself.
"""

import dataclasses

import numpy as np

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_same_length


@dataclasses.dataclass(frozen=True)
class PartDistances:
    """For each annotated part, the keypoint that sits on it most reliably.

    Attributes:
        median_percent: `(P,)` float, for each part the smallest, over the K
            keypoints, median over images of the keypoint-to-part distance in
            % of the normaliser (the inter-ocular distance for faces).
        keypoint: `(P,)` int, the keypoint that reaches it.
        all_median_percent: `(K, P)` float, every keypoint's median distance
            to every part.
    """

    median_percent: np.ndarray
    keypoint: np.ndarray
    all_median_percent: np.ndarray


def part_distances(keypoints, landmarks, left_eye=0, right_eye=1):
    """Median distance from each part to its best keypoint, in % of the IOD.

    For keypoint `k` and part `p`: the median over images of
    `|keypoints[n, k] - landmarks[n, p]| / IOD[n]`, with `IOD[n]` the distance
    between the annotated eyes; then, per part, the keypoint with the smallest
    median. A part counts as found when this is small (e.g. 15 % of the IOD).

    Args:
        keypoints: `(N, K, 2)` detected keypoints in pixels.
        landmarks: `(N, P, 2)` annotated landmarks in pixels.
        left_eye, right_eye: int, defaults 0 and 1 (MAFL order), the
            landmarks whose distance normalises.

    Returns:
        A `PartDistances`.

    Example:

    >>> marks = np.array([[[0.0, 0.0], [10.0, 0.0]]])
    >>> part_distances(marks + [1.0, 0.0], marks).median_percent
    array([10., 10.])
    """
    keypoints = as_points(keypoints, "keypoints")
    landmarks = as_points(landmarks, "landmarks")
    check_same_length(keypoints, "keypoints", landmarks, "landmarks")
    num_parts = landmarks.shape[1]
    for name, index in (("left_eye", left_eye), ("right_eye", right_eye)):
        if not 0 <= index < num_parts:
            raise ValueError(
                f"`{name}` must index one of the {num_parts} landmarks. "
                f"Received: {name}={index}"
            )
    iod = np.linalg.norm(landmarks[:, left_eye] - landmarks[:, right_eye], axis=-1)
    if np.any(iod <= 0):
        raise ValueError(
            f"{int(np.sum(iod <= 0))} images have both eyes at one point "
            "(inter-ocular distance 0)."
        )
    # (N, K, P) distances in % of the IOD.
    distances = np.linalg.norm(keypoints[:, :, None] - landmarks[:, None], axis=-1)
    distances = 100.0 * distances / iod[:, None, None]
    medians = np.median(distances, axis=0)
    best = np.argmin(medians, axis=0)
    return PartDistances(
        median_percent=medians[best, np.arange(num_parts)],
        keypoint=best,
        all_median_percent=medians,
    )
