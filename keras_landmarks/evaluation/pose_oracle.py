"""How far would keypoints get that knew only where the object is? Pose oracles.

The paper's protocol regresses landmarks linearly from the keypoints, so
keypoints that encode only the object's pose (its position, or its position,
rotation and scale) already explain the part of the landmarks that the pose
moves. These oracles place the training mean shape on each test image by the
transform that fits that image's own annotation best, and score the result like
any other prediction. They are reference lines for a learning curve: a detector
below the translation oracle knows more than where the object is; one below the
similarity oracle knows more than its pose.
"""

import numpy as np

from keras_landmarks.evaluation._validation import as_points

POSE_TRANSFORMS = ("translation", "similarity")


def pose_oracle_predictions(train_landmarks, test_landmarks, transform="translation"):
    """The training mean shape fitted to each test annotation by one transform.

    For each test image, the least-squares `transform` of the mean shape onto
    that image's own landmarks: `"translation"` moves the mean shape's centroid
    onto the image's; `"similarity"` also rotates and scales it (Procrustes
    without reflection). What remains is the shape variation a pose-only
    detector cannot know.

    Args:
        train_landmarks: `(N, P, 2)` training landmarks (their mean is used).
        test_landmarks: `(M, P, 2)` annotated test landmarks.
        transform: `"translation"` (default) or `"similarity"`.

    Returns:
        `(M, P, 2)` float64 predictions, to score with `inter_ocular_error`.

    Example:

    >>> shape = np.array([[[0.0, 0.0], [2.0, 0.0]]])
    >>> pose_oracle_predictions(shape, shape + 5.0)
    array([[[5., 5.],
            [7., 5.]]])
    """
    if transform not in POSE_TRANSFORMS:
        raise ValueError(
            f"`transform` must be one of {POSE_TRANSFORMS}. "
            f"Received: transform={transform!r}"
        )
    train_landmarks = as_points(train_landmarks, "train_landmarks")
    test_landmarks = as_points(test_landmarks, "test_landmarks")
    if train_landmarks.shape[1] != test_landmarks.shape[1]:
        raise ValueError(
            "`train_landmarks` and `test_landmarks` must have the same number of "
            f"points. Received: {train_landmarks.shape[1]} and "
            f"{test_landmarks.shape[1]}"
        )
    mean_shape = train_landmarks.mean(axis=0)
    centred = mean_shape - mean_shape.mean(axis=0)
    centroids = test_landmarks.mean(axis=1, keepdims=True)
    if transform == "translation":
        return centred[None] + centroids
    # Complex-number Procrustes: the best z -> a z with complex a fits scale and
    # rotation at once.
    model = centred[:, 0] + 1j * centred[:, 1]
    observed = test_landmarks - centroids
    observed = observed[..., 0] + 1j * observed[..., 1]
    energy = np.sum(np.abs(model) ** 2)
    if energy == 0:
        raise ValueError(
            "The mean training shape is a single point; a similarity cannot be "
            "fitted to it."
        )
    factor = (observed @ np.conj(model)) / energy
    fitted = factor[:, None] * model[None]
    return np.stack([fitted.real, fitted.imag], axis=-1) + centroids
