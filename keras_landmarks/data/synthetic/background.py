"""Backgrounds of the synthetic images: a smooth colour field plus rounded-rectangle
clutter, some striped, scaled by one `clutter` knob in [0, 1]."""

import numpy as np

from keras_landmarks.data.synthetic.painting import col
from keras_landmarks.data.synthetic.painting import colour_planes
from keras_landmarks.data.synthetic.painting import coverage
from keras_landmarks.data.synthetic.painting import rotate

# Background clutter: shapes per image (each present with probability 0.7), the
# first few of them striped.
CLUTTER_SHAPES = 5
STRIPED_SHAPES = 2


def draw_background(rng, rgb, clutter):
    """Fills `rgb` `(3, B, H, W)` with a smooth colour field and clutter.

    `clutter` in [0, 1] scales the colour field's variation and the shapes'
    opacity; 0 gives a plain colour.
    """
    _, batch, height, width = rgb.shape
    base = muted_colours(rng, (3, batch), axis=0)
    if clutter == 0:
        rgb[...] = base[:, :, None, None]
        return
    # Low-frequency colour field: a random 4x4 grid, bilinearly upsampled.
    grid = base[:, :, None, None] + clutter * rng.uniform(-0.25, 0.25, (3, batch, 4, 4))
    rows = interpolation_matrix(height, 4)
    columns = interpolation_matrix(width, 4)
    rgb[...] = rows @ grid.astype(np.float32) @ columns.T
    x = np.arange(width, dtype=np.float32)[None, None, :]
    y = np.arange(height, dtype=np.float32)[None, :, None]
    size = float(max(height, width))
    for index in range(CLUTTER_SHAPES):
        # Rounded rectangles, from sharp boxes to stadiums, some striped.
        centre = rng.uniform(-0.1, 1.1, (batch, 2)) * size
        half = rng.uniform(0.05, 0.35, (batch, 2)) * size
        rounding = rng.uniform(0.0, 1.0, batch) * half.min(axis=1)
        angle = rng.uniform(0, np.pi, batch)
        colour = muted_colours(rng, (batch, 3), axis=1)
        present = rng.uniform(0, 1, batch) < 0.7
        dx, dy = rotate(
            x - col(centre[:, 0]),
            y - col(centre[:, 1]),
            col(np.cos(angle)),
            col(np.sin(angle)),
        )
        qx = np.abs(dx) - col(half[:, 0] - rounding)
        qy = np.abs(dy) - col(half[:, 1] - rounding)
        distance = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
        distance += np.minimum(np.maximum(qx, qy), 0) - col(rounding)
        alpha = coverage(distance, 1.0) * col(clutter * present)
        colour = colour_planes(colour)
        if index < STRIPED_SHAPES:
            period = rng.uniform(0.03, 0.1, batch) * size
            colour = colour * (1.0 - 0.35 * (np.sin(dx * col(2 * np.pi / period)) > 0))
        rgb += alpha * (colour - rgb)


def muted_colours(rng, shape, axis):
    """Random colours, blended towards their grey by a random amount."""
    colours = rng.uniform(0.05, 0.95, shape)
    grey = colours.mean(axis=axis, keepdims=True)
    saturation = rng.uniform(0.2, 1.0, grey.shape)
    return grey + saturation * (colours - grey)


def interpolation_matrix(size, knots):
    """`(size, knots)` float32 matrix of linear interpolation weights."""
    position = np.linspace(0.0, knots - 1.0, size)
    index = np.arange(knots)
    return np.maximum(0.0, 1.0 - np.abs(position[:, None] - index[None, :])).astype(
        np.float32
    )
