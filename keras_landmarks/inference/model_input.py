"""Frames to the detector's input size, and its keypoints back to the frames."""

import numpy as np

from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import full_image_box


def resize_for_model(frames, image_size):
    """Each whole frame resampled to the model's size, as training resamples.

    `crop_and_resize` over the full image (bilinear, pixel centres on both
    grids), the resampling of the training pipelines.

    Args:
        frames: sequence of `(H, W, 3)` arrays on [0, 255] (sizes may differ).
        image_size: `(height, width)` of the model.

    Returns:
        float32 `(N, height, width, 3)`.
    """
    size = tuple(int(s) for s in image_size)
    resized = [
        np.asarray(crop_and_resize(frame, full_image_box(frame), size)[0])
        for frame in frames
    ]
    if not resized:
        return np.zeros((0, *size, 3), "float32")
    return np.stack(resized).astype("float32")


def to_frame_pixels(keypoints, model_size, frame_size):
    """Pixel (x, y) on the model's grid -> pixel (x, y) of the whole frame.

    The inverse of `resize_for_model`: pixel centres at integer coordinates
    on both grids, so 0 maps to 0 and `size - 1` to `frame size - 1`.

    Args:
        keypoints: `(..., 2)` pixel (x, y) on the model's grid.
        model_size: `(height, width)` of the model.
        frame_size: `(height, width)` of the frame.
    """
    (mh, mw), (fh, fw) = model_size, frame_size
    scale = np.array([(fw - 1) / (mw - 1), (fh - 1) / (mh - 1)], "float32")
    return np.asarray(keypoints, "float32") * scale
