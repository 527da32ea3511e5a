"""Frames to the detector's input size, and its keypoints back to the frames."""

import functools

import numpy as np

from keras_landmarks.data.ops.framing import DEFAULT_FIT
from keras_landmarks.data.ops.framing import check_fit
from keras_landmarks.data.ops.framing import framing_box
from keras_landmarks.data.ops.framing import to_image_pixels
from keras_landmarks.data.ops.image_geometry import crop_and_resize


def model_box(frame, image_size, fit=DEFAULT_FIT):
    """The `(x0, y0, x1, y1)` box of `frame` that the model's input shows.

    Args:
        frame: `(H, W, 3)` array (only its shape is read).
        image_size: `(height, width)` of the model.
        fit: `"crop"` (default, as training frames images and video frames:
            the frame's centre at the model's aspect ratio), `"pad"` (the
            whole frame with black bands) or None (the whole frame, stretched).

    Returns:
        float32 numpy `(4,)`, pixel-centre coordinates of `frame`.
    """
    check_fit(fit)
    height, width = np.shape(frame)[:2]
    return np.array(_box_of_size(height, width, tuple(image_size), fit), np.float32)


@functools.lru_cache(maxsize=64)
def _box_of_size(height, width, image_size, fit):
    # One box per frame size: a video's frames share it, so a long track
    # computes it once instead of once per frame.
    box = np.array([0.0, 0.0, width - 1.0, height - 1.0], np.float32)
    if fit is not None:
        box = framing_box(box, image_size, fit)
    return tuple(float(v) for v in np.asarray(box))


def resize_for_model(frames, image_size, fit=DEFAULT_FIT):
    """Each frame framed and resampled to the model's size, as training does.

    `crop_and_resize` of `model_box` (bilinear, pixel centres on both grids),
    the framing and resampling of the training pipelines (`training_pairs`
    crops each image's and frame's centre by default).

    Args:
        frames: sequence of `(H, W, 3)` arrays on [0, 255] (sizes may differ).
        image_size: `(height, width)` of the model.
        fit: `"crop"` (default), `"pad"` or None (stretched); see `model_box`.

    Returns:
        float32 `(N, height, width, 3)`.
    """
    size = tuple(int(s) for s in image_size)
    resized = [
        np.asarray(crop_and_resize(frame, model_box(frame, size, fit), size)[0])
        for frame in frames
    ]
    if not resized:
        return np.zeros((0, *size, 3), "float32")
    return np.stack(resized).astype("float32")


def to_frame_pixels(keypoints, model_size, frame_size, fit=DEFAULT_FIT):
    """Pixel (x, y) on the model's grid -> pixel (x, y) of the whole frame.

    The inverse of `resize_for_model` with the same `fit`: pixel centres at
    integer coordinates on both grids (with `fit=None`, 0 maps to 0 and
    `size - 1` to `frame size - 1`).

    Args:
        keypoints: `(..., 2)` pixel (x, y) on the model's grid.
        model_size: `(height, width)` of the model.
        frame_size: `(height, width)` of the frame.
        fit: `"crop"` (default), `"pad"` or None; see `model_box`.
    """
    check_fit(fit)
    height, width = frame_size
    box = _box_of_size(int(height), int(width), tuple(model_size), fit)
    return to_image_pixels(keypoints, box, tuple(model_size))
