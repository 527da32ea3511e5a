"""Crops, resizes and flips that move landmarks together with the pixels.

Pixel convention of the whole package: pixel centres sit at integer
coordinates, so `x = (u + 1) / 2 * (width - 1)` for `u` in [-1, 1]
(align_corners=True).
"""

import numpy as np
import tensorflow as tf


def image_size_pair(image_size):
    """`(height, width)` from an int or a pair; None stays None.

    Raises:
        ValueError: not a positive int or a pair of ints > 1.
    """
    if image_size is None:
        return None
    if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    if (
        isinstance(image_size, (tuple, list))
        and len(image_size) == 2
        and all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 1
            for s in image_size
        )
    ):
        return (int(image_size[0]), int(image_size[1]))
    raise ValueError(
        "`image_size` must be an int > 1 or a (height, width) pair. "
        f"Received: image_size={image_size!r}"
    )


def full_image_box(image):
    """The `(x0, y0, x1, y1)` box of a whole `(height, width, C)` image."""
    shape = tf.cast(tf.shape(image), tf.float32)
    return tf.stack([0.0, 0.0, shape[1] - 1.0, shape[0] - 1.0])


def crop_and_resize(image, box, size, landmarks=None):
    """Resamples the box `(x0, y0, x1, y1)` of `image` to `size` pixels.

    The box is in pixel-centre coordinates: output column 0 samples the input
    at `x0`, the last column at `x1` (bilinear, zero outside the image), so a
    landmark moves to `x' = (x - x0) * (width - 1) / (x1 - x0)`.

    Args:
        image: float tensor `(H, W, C)`.
        box: float tensor `(4,)`, `(x0, y0, x1, y1)` with `x1 > x0`, `y1 > y0`.
        size: `(height, width)` ints, the output size.
        landmarks: optional float tensor `(P, 2)`, pixel (x, y) in `image`.

    Returns:
        `(resized, moved_landmarks)`: float32 `(height, width, C)` and float32
        `(P, 2)` (None when `landmarks` is None).

    Example:

    >>> image = tf.zeros((218, 178, 3))
    >>> out, _ = crop_and_resize(image, full_image_box(image), (128, 128))
    >>> out.shape
    TensorShape([128, 128, 3])
    """
    height, width = size
    image = tf.cast(image, tf.float32)
    box = tf.cast(box, tf.float32)
    shape = tf.cast(tf.shape(image), tf.float32)
    normalised = tf.stack(
        [
            box[1] / (shape[0] - 1.0),
            box[0] / (shape[1] - 1.0),
            box[3] / (shape[0] - 1.0),
            box[2] / (shape[1] - 1.0),
        ]
    )
    resized = tf.image.crop_and_resize(
        image[None], normalised[None], [0], (height, width), extrapolation_value=0.0
    )[0]
    if landmarks is None:
        return resized, None
    scale = tf.stack(
        [(width - 1.0) / (box[2] - box[0]), (height - 1.0) / (box[3] - box[1])]
    )
    moved = (tf.cast(landmarks, tf.float32) - box[None, :2]) * scale[None]
    return resized, moved


def flip_left_right(image, landmarks=None):
    """Mirrors `(H, W, C)` and its `(P, 2)` landmarks: `x' = W - 1 - x`."""
    flipped = tf.reverse(image, axis=[-2])
    if landmarks is None:
        return flipped, None
    width = tf.cast(tf.shape(image)[-2], tf.float32)
    landmarks = tf.cast(landmarks, tf.float32)
    return flipped, tf.stack([width - 1.0 - landmarks[:, 0], landmarks[:, 1]], -1)


def box_around(points, scale=1.0, square=True):
    """The `(x0, y0, x1, y1)` box of `(P, 2)` points, grown by `scale`.

    Args:
        points: float array-like `(P, 2)`, pixel (x, y).
        scale: float, default 1.0. The side is multiplied by it about the centre.
        square: bool, default True. Use the longer side for both.

    Returns:
        float32 tensor `(4,)`.
    """
    points = tf.cast(points, tf.float32)
    low, high = tf.reduce_min(points, 0), tf.reduce_max(points, 0)
    centre, half = (low + high) / 2.0, (high - low) / 2.0 * scale
    if square:
        half = tf.fill([2], tf.reduce_max(half))
    half = tf.maximum(half, 1.0)
    return tf.concat([centre - half, centre + half], axis=0)
