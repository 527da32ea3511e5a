"""All pictures of a trained model in one call (training previews, `visualize`)."""

import os

import numpy as np
from keras import ops

from keras_landmarks.layers import HeatmapsToKeypoints
from keras_landmarks.models import normalized_to_pixels
from keras_landmarks.visualization.drawing import save_png
from keras_landmarks.visualization.heatmaps_with_distributions import (
    heatmaps_with_distributions,
)
from keras_landmarks.visualization.quadruplets import quadruplets
from keras_landmarks.visualization.swap_grid import swap_grid


def _pairs(pairs):
    missing = {"source", "target"} - set(pairs)
    if missing:
        raise ValueError(
            "`pairs` must hold 'source' and 'target'. "
            f"Missing: {sorted(missing)}; received keys: {sorted(pairs)}"
        )
    return np.asarray(pairs["source"], "float32"), np.asarray(
        pairs["target"], "float32"
    )


def training_preview(model, pairs, path=None):
    """The quadruplets of `pairs` under `model` (inference mode); saved if `path`.

    Args:
        model: a `LandmarkModel`.
        pairs: dict of numpy `{"source", "target"}`, `(N, H, W, 3)` on [0, 255].
        path: optional PNG path.

    Returns:
        The uint8 picture.
    """
    source, target = _pairs(pairs)
    outputs = model(dict(source=source, target=target), training=False)
    keypoints = normalized_to_pixels(
        ops.convert_to_numpy(outputs["keypoints"]), model.image_size
    )
    picture = quadruplets(
        source, target, ops.convert_to_numpy(outputs["reconstruction"]), keypoints
    )
    if path is not None:
        save_png(picture, path)
    return picture


def model_pictures(model, pairs, out, swap_images=4):
    """Writes quadruplets, a swap grid and the first target's heatmaps into `out`.

    Args:
        model: a `LandmarkModel`.
        pairs: dict of numpy `{"source", "target"}`, `(N, H, W, 3)` on [0, 255].
        out: output folder (created).
        swap_images: int, default 4. Sources and targets in the swap grid.

    Returns:
        The list of written PNG paths.
    """
    source, target = _pairs(pairs)
    paths = [os.path.join(os.fspath(out), "quadruplets.png")]
    training_preview(model, pairs, paths[0])
    swaps = swap_grid(
        model,
        source[:swap_images],
        target[:swap_images],
        show_keypoints=True,
    )
    paths.append(save_png(swaps, os.path.join(out, "swap_grid.png")))
    keypoints, heatmaps = model.detect(target[:1])
    _, prob_x, prob_y = HeatmapsToKeypoints(return_distributions=True)(heatmaps)
    picture = heatmaps_with_distributions(
        target[0],
        ops.convert_to_numpy(heatmaps)[0],
        ops.convert_to_numpy(prob_x)[0],
        ops.convert_to_numpy(prob_y)[0],
        normalized_to_pixels(ops.convert_to_numpy(keypoints), model.image_size)[0],
    )
    paths.append(save_png(picture, os.path.join(out, "heatmaps.png")))
    return paths
