"""Framing: the box of an image that fills the output while keeping its aspect.

Resizing a whole 640x480 photo to 64x64 squeezes it; `framing_box` turns any
box (the whole image, or an object's box) into one with the output's aspect
ratio, either inside it (`"crop"`, the centre of the box) or around it
(`"pad"`, the box centred on black). `crop_and_resize` then samples it.
Training, evaluation and detection frame images the same way; `frame_image`
and `to_image_pixels` are the eager versions for single images (detection).
"""

import numpy as np
import tensorflow as tf

from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import full_image_box
from keras_landmarks.data.ops.image_geometry import image_size_pair

FITS = ("crop", "pad")
# What the command line and `training_pairs` use: the object fills the frame.
DEFAULT_FIT = "crop"


def check_fit(fit, allow_none=True):
    """Raises `ValueError` unless `fit` is in `FITS` (or None if allowed)."""
    if fit is None and allow_none:
        return None
    if fit not in FITS:
        raise ValueError(f"`fit` must be one of {FITS}. Received: fit={fit!r}")
    return fit


def framing_box(box, size, fit=DEFAULT_FIT):
    """`box` changed about its centre to the aspect ratio of `size`.

    Boxes are `(x0, y0, x1, y1)` in pixel-centre coordinates (the output's
    first and last columns sample `x0` and `x1`), so the aspect that maps
    without distortion onto `(height, width)` is `(width - 1) / (height - 1)`.

    Args:
        box: float tensor `(4,)`.
        size: int or `(height, width)`, the output size.
        fit: `"crop"` (default): shrink the longer side, the box's centre
            fills the output. `"pad"`: grow the shorter side, the whole box
            shows with black bands (`crop_and_resize` samples zeros outside).

    Returns:
        float32 tensor `(4,)`.

    Example:

    >>> framing_box(tf.constant([0.0, 0.0, 99.0, 49.0]), 50, "crop").numpy()
    array([25., 0., 74., 49.], dtype=float32)
    """
    check_fit(fit, allow_none=False)
    height, width = image_size_pair(size)
    box = tf.cast(box, tf.float32)
    aspect = (width - 1.0) / (height - 1.0)
    centre = (box[:2] + box[2:]) / 2.0
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    grow = fit == "pad"
    wider = box_width > box_height * aspect
    # Crop a wide box to its height's width; pad a tall box out to it.
    use_height = tf.math.logical_xor(wider, grow)
    new_width = tf.where(use_height, box_height * aspect, box_width)
    new_height = tf.where(use_height, box_height, box_width / aspect)
    half = tf.stack([new_width, new_height]) / 2.0
    return tf.concat([centre - half, centre + half], 0)


def frame_image(image, size, fit=DEFAULT_FIT, box=None):
    """One image framed (`framing_box`) and resized, eagerly.

    Args:
        image: array `(H, W, 3)`, RGB in [0, 255].
        size: int or `(height, width)`, the output size.
        fit: `"crop"` (default) or `"pad"`.
        box: optional `(x0, y0, x1, y1)`, the object's box in `image`
            pixels; default the whole image.

    Returns:
        `(framed, box)`: float32 numpy `(height, width, 3)` and the float32
        `(4,)` box it samples; `to_image_pixels(points, box, size)` maps
        keypoints found on `framed` back to `image`.

    Example:

    >>> framed, box = frame_image(photo, 64)
    >>> points = to_image_pixels(model.predict_keypoints(framed[None])[0], box, 64)
    """
    size = image_size_pair(size)
    image = tf.convert_to_tensor(np.asarray(image), tf.float32)
    box = full_image_box(image) if box is None else tf.constant(box, tf.float32)
    box = framing_box(box, size, fit)
    framed, _ = crop_and_resize(image, box, size)
    return framed.numpy(), box.numpy()


def to_image_pixels(points, box, size):
    """Pixel `(..., 2)` points of a framed image back in the original image.

    The inverse of the landmark move of `crop_and_resize`:
    `x = x0 + x' * (x1 - x0) / (width - 1)`.
    """
    height, width = image_size_pair(size)
    box = np.asarray(box, np.float32)
    scale = np.array(
        [(box[2] - box[0]) / (width - 1.0), (box[3] - box[1]) / (height - 1.0)],
        np.float32,
    )
    return np.asarray(points, np.float32) * scale + box[:2]
