"""Geometry/appearance swaps (paper Fig. 5): every source with every target."""

import os

import numpy as np
from keras import ops

from keras_landmarks.visualization.drawing import DEFAULT_MIN_SIZE
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import check_array
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.drawing import grid
from keras_landmarks.visualization.drawing import save_png
from keras_landmarks.visualization.drawing import to_uint8
from keras_landmarks.visualization.drawing import upscale
from keras_landmarks.visualization.drawing import upscale_factor

# `write_swap_grid`'s files, in the folder it is given.
SWAP_GRID_ARRAY = "swap_grid.npy"
SWAP_GRID_PICTURE = "swap_grid.png"


def swap_grid_from_arrays(
    appearance_images,
    geometry_images,
    reconstructions,
    geometry_keypoints=None,
    min_size=DEFAULT_MIN_SIZE,
    titles=True,
    gutter=GUTTER,
):
    """Draws a swap grid from precomputed reconstructions.

    Grid cell (0, j + 1) is geometry image j, cell (i + 1, 0) is appearance
    image i and cell (i + 1, j + 1) is `reconstructions[i, j]`; cell (0, 0) is
    blank.

    Args:
        appearance_images: `(N, H, W, 3)` on [0, 255] (the sources).
        geometry_images: `(M, H, W, 3)` on [0, 255] (the targets).
        reconstructions: `(N, M, H, W, 3)` on [0, 255] (clipped): appearance of
            source i, geometry of target j.
        geometry_keypoints: optional `(M, K, 2)` pixel (x, y), drawn on the top row.
        min_size: int or None, default 128. See `quadruplets`.
        titles: bool, default True. Column titles.
        gutter: white pixels between panels.

    Returns:
        uint8 picture of `(N + 1) x (M + 1)` panels.
    """
    appearance = check_array(appearance_images, "appearance_images", 4, last_dim=3)
    geometry = check_array(geometry_images, "geometry_images", 4, last_dim=3)
    recon = check_array(reconstructions, "reconstructions", 5, last_dim=3)
    n, m = len(appearance), len(geometry)
    if n == 0 or m == 0:
        raise ValueError(
            "swap grids need at least one appearance and one geometry image. "
            f"Received: {n} and {m}"
        )
    size = appearance.shape[1:3]
    if geometry.shape[1:3] != size or recon.shape[2:4] != size:
        raise ValueError(
            "All images must have the same size. Received: "
            f"appearance_images.shape={appearance.shape}, "
            f"geometry_images.shape={geometry.shape}, "
            f"reconstructions.shape={recon.shape}"
        )
    if recon.shape[:2] != (n, m):
        raise ValueError(
            f"`reconstructions` must be (N={n}, M={m}, H, W, 3). "
            f"Received: reconstructions.shape={recon.shape}"
        )
    factor = upscale_factor(*size, min_size)
    if geometry_keypoints is None:
        top = [upscale(to_uint8(g), factor) for g in geometry]
    else:
        geometry_keypoints = check_array(geometry_keypoints, "geometry_keypoints", 3, 2)
        if len(geometry_keypoints) != m:
            raise ValueError(
                f"`geometry_keypoints` must hold {m} rows. "
                f"Received: geometry_keypoints.shape={geometry_keypoints.shape}"
            )
        top = [
            draw_keypoints(g, p, scale=factor)
            for g, p in zip(geometry, geometry_keypoints, strict=True)
        ]
    rows = [[None] + top]
    for i in range(n):
        row = [upscale(to_uint8(appearance[i]), factor)]
        row += [upscale(to_uint8(recon[i, j]), factor) for j in range(m)]
        rows.append(row)
    column_titles = None
    if titles:
        column_titles = ["appearance"] + [f"geometry {j}" for j in range(m)]
    return grid(rows, gutter=gutter, column_titles=column_titles)


def swap_reconstructions(model, appearance_images, geometry_images, batch_size=32):
    """`(N, M, H, W, 3)` numpy: reconstruction of every (appearance i, geometry j)."""
    appearance = check_array(appearance_images, "appearance_images", 4, last_dim=3)
    geometry = check_array(geometry_images, "geometry_images", 4, last_dim=3)
    if batch_size < 1:
        raise ValueError(
            f"`batch_size` must be >= 1. Received: batch_size={batch_size}"
        )
    n, m = len(appearance), len(geometry)
    sources = np.repeat(appearance.astype("float32"), m, axis=0)
    targets = np.tile(geometry.astype("float32"), (n, 1, 1, 1))
    outputs = []
    for start in range(0, n * m, batch_size):
        batch = dict(
            source=sources[start : start + batch_size],
            target=targets[start : start + batch_size],
        )
        outputs.append(
            ops.convert_to_numpy(model(batch, training=False)["reconstruction"])
        )
    return np.concatenate(outputs).reshape((n, m) + outputs[0].shape[1:])


def swap_grid(
    model,
    images,
    geometry_images=None,
    batch_size=32,
    show_keypoints=False,
    min_size=DEFAULT_MIN_SIZE,
    titles=True,
    gutter=GUTTER,
):
    """Appearance from each row's image, geometry from each column's image.

    Args:
        model: a `LandmarkModel`, called as `model(dict(source=..., target=...),
            training=False)` in batches.
        images: `(N, H, W, 3)` on [0, 255], the appearance (left column).
        geometry_images: `(M, H, W, 3)`, the geometry (top row); default `images`.
        batch_size: int, default 32. Pairs per model call.
        show_keypoints: bool, default False. Draw the detected keypoints on the
            geometry images.
        min_size, titles, gutter: see `swap_grid_from_arrays`.

    Returns:
        uint8 picture; layout as in `swap_grid_from_arrays`.
    """
    images = check_array(images, "images", 4, last_dim=3)
    geometry = images if geometry_images is None else geometry_images
    geometry = check_array(geometry, "geometry_images", 4, last_dim=3)
    recon = swap_reconstructions(model, images, geometry, batch_size)
    keypoints = model.predict_keypoints(geometry) if show_keypoints else None
    return swap_grid_from_arrays(
        images,
        geometry,
        recon,
        keypoints,
        min_size=min_size,
        titles=titles,
        gutter=gutter,
    )


def write_swap_grid(model, images, folder):
    """The appearance x geometry swaps of `images`, as numbers and as a picture.

    Writes `swap_grid.npy`, float32 `(N, N, H, W, 3)` in [0, 255] where cell
    (i, j) has the appearance of image i and the geometry of image j, and
    `swap_grid.png` (`swap_grid_from_arrays`), both in `folder`.

    Returns:
        The path of the PNG.
    """
    reconstructions = np.clip(swap_reconstructions(model, images, images), 0, 255)
    np.save(os.path.join(folder, SWAP_GRID_ARRAY), reconstructions)
    picture = swap_grid_from_arrays(images, images, reconstructions)
    return save_png(picture, os.path.join(folder, SWAP_GRID_PICTURE))
