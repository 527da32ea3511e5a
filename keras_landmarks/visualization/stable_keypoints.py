"""A few chosen keypoints (e.g. the most stable ones) across a row of images."""

import numpy as np

from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import DEFAULT_MIN_SIZE
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import check_array
from keras_landmarks.visualization.drawing import check_keypoints
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.drawing import grid
from keras_landmarks.visualization.drawing import save_png
from keras_landmarks.visualization.drawing import upscale_factor


def stable_keypoints(
    images,
    keypoints,
    shown,
    titles=None,
    min_size=DEFAULT_MIN_SIZE,
    gutter=GUTTER,
):
    """One row of images with only the keypoints `shown` drawn.

    Meant for the paper's SmallNORB figure: neighbouring viewpoints of one
    object with its most stable landmarks. Keypoint k keeps its colour
    `keypoint_palette(K)[k]` (the colour it has in every other picture), so a
    landmark that stays on the same part of the object shows as one colour on
    that part in every panel.

    Args:
        images: `(N, H, W, 3)` on [0, 255].
        keypoints: `(N, K, 2)` pixel (x, y), all K keypoints per image.
        shown: sequence of keypoint indices in `[0, K)` to draw.
        titles: optional sequence of N strings above the panels.
        min_size: int or None, default 128. See `quadruplets`.
        gutter: white pixels between panels.

    Returns:
        uint8 picture, one row of N panels.

    Example:

    >>> picture = stable_keypoints(views, model.predict_keypoints(views), [3, 0])
    """
    images = check_array(images, "images", 4, last_dim=3)
    keypoints = check_keypoints(keypoints, "keypoints", len(images))
    if len(images) == 0:
        raise ValueError("stable_keypoints needs at least one image. Received: 0")
    num_keypoints = keypoints.shape[1]
    shown = np.asarray(shown, dtype=int).reshape(-1)
    if shown.size == 0 or shown.min() < 0 or shown.max() >= num_keypoints:
        raise ValueError(
            f"`shown` must hold keypoint indices in [0, {num_keypoints}). "
            f"Received: shown={shown.tolist()}"
        )
    if titles is not None and len(titles) != len(images):
        raise ValueError(
            f"`titles` must hold one title per image ({len(images)}). "
            f"Received: {len(titles)}"
        )
    factor = upscale_factor(*images.shape[1:3], min_size)
    colors = keypoint_palette(num_keypoints)[shown]
    panels = [
        draw_keypoints(image, points[shown], scale=factor, colors=colors)
        for image, points in zip(images, keypoints, strict=True)
    ]
    return grid([panels], gutter=gutter, column_titles=titles)


def save_stable_keypoints(model, images, shown, path, titles=None):
    """Writes `images` with only the keypoints `shown` drawn, as a PNG.

    Args:
        model: a trained `LandmarkModel` (anything with its `predict_keypoints`).
        images: `(N, H, W, 3)` in [0, 255], e.g. neighbouring viewpoints.
        shown: keypoint indices, e.g. the first few of `keypoint_stability`'s
            order; each keeps its colour (`stable_keypoints`).
        path: the PNG file.
        titles: optional N strings above the panels.

    Returns:
        `path` as a string.
    """
    keypoints = model.predict_keypoints(np.asarray(images, "float32"))
    return save_png(stable_keypoints(images, keypoints, shown, titles=titles), path)
