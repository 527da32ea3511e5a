"""Regressed vs annotated landmarks on test images (paper section 4)."""

import numpy as np
from PIL import Image
from PIL import ImageDraw

from keras_landmarks.visualization.colors import ANNOTATED_COLOR
from keras_landmarks.visualization.colors import LINK_COLOR
from keras_landmarks.visualization.colors import PREDICTED_COLOR
from keras_landmarks.visualization.drawing import DEFAULT_MIN_SIZE
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import check_array
from keras_landmarks.visualization.drawing import check_keypoints
from keras_landmarks.visualization.drawing import default_radius
from keras_landmarks.visualization.drawing import draw_markers
from keras_landmarks.visualization.drawing import grid
from keras_landmarks.visualization.drawing import scale_points
from keras_landmarks.visualization.drawing import to_uint8
from keras_landmarks.visualization.drawing import upscale
from keras_landmarks.visualization.drawing import upscale_factor


def regression_comparison(
    images,
    predicted,
    annotated,
    columns=4,
    min_size=DEFAULT_MIN_SIZE,
    gutter=GUTTER,
):
    """A grid of test images: annotated (green), regressed (red), joined by a line.

    Args:
        images: `(N, H, W, 3)` on [0, 255].
        predicted: `(N, L, 2)` regressed pixel (x, y).
        annotated: `(N, L, 2)` annotated pixel (x, y); NaN rows (missing
            annotations) are skipped with their line.
        columns: int, default 4. Images per row; the grid is row-major.
        min_size: int or None, default 128. See `quadruplets`.
        gutter: white pixels between panels.

    Returns:
        uint8 picture; image n is cell `(n // columns, n % columns)`.
    """
    images = check_array(images, "images", 4, last_dim=3)
    predicted = check_keypoints(predicted, "predicted", len(images))
    annotated = check_keypoints(annotated, "annotated", len(images))
    if predicted.shape != annotated.shape:
        raise ValueError(
            "`predicted` and `annotated` must have the same shape. Received: "
            f"predicted.shape={predicted.shape}, annotated.shape={annotated.shape}"
        )
    if len(images) == 0:
        raise ValueError("regression_comparison needs at least one image.")
    if columns < 1:
        raise ValueError(f"`columns` must be >= 1. Received: columns={columns}")
    factor = upscale_factor(*images.shape[1:3], min_size)
    panels = []
    for image, pred, true in zip(images, predicted, annotated, strict=True):
        big = upscale(to_uint8(image), factor)
        canvas = Image.fromarray(big)
        draw = ImageDraw.Draw(canvas)
        radius = default_radius(min(big.shape[:2]))
        pred, true = scale_points(pred, factor), scale_points(true, factor)
        for p, t in zip(pred, true, strict=True):
            if np.all(np.isfinite(p)) and np.all(np.isfinite(t)):
                draw.line([tuple(t), tuple(p)], fill=LINK_COLOR, width=2)
        draw_markers(canvas, true, ANNOTATED_COLOR, radius)
        draw_markers(canvas, pred, PREDICTED_COLOR, radius)
        panels.append(np.asarray(canvas))
    rows = [panels[i : i + columns] for i in range(0, len(panels), columns)]
    return grid(rows, gutter=gutter)
