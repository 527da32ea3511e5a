"""Shared drawing: checks, upscaling, keypoint markers, grids, PNG files."""

import math
import os

import numpy as np
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

from keras_landmarks.visualization.colors import OUTLINE_COLOR
from keras_landmarks.visualization.colors import keypoint_palette

# Small images are enlarged (nearest neighbour, integer factor) to at least this
# many pixels per side so 32/64-px panels stay readable.
DEFAULT_MIN_SIZE = 128
GUTTER = 4  # white pixels between panels
TITLE_HEIGHT = 18  # band above a grid's columns for their titles
TITLE_FONT_SIZE = 12
WHITE = (255, 255, 255)


def check_array(array, name, rank, last_dim=None):
    """`array` as a numpy array; a ValueError naming `name` if its shape is wrong."""
    array = np.asarray(array)
    if array.ndim != rank:
        raise ValueError(
            f"`{name}` must have rank {rank}. Received: {name}.shape={array.shape}"
        )
    if last_dim is not None and array.shape[-1] != last_dim:
        raise ValueError(
            f"`{name}` must have {last_dim} in its last axis. "
            f"Received: {name}.shape={array.shape}"
        )
    return array


def check_same_length(**arrays):
    """A ValueError listing the lengths if the arrays' first axes differ."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        received = ", ".join(f"len({n})={v}" for n, v in lengths.items())
        raise ValueError(f"Batch sizes must match. Received: {received}")


def check_keypoints(keypoints, name, num_images):
    """`(N, K, 2)` pixel keypoints for `num_images` images."""
    keypoints = check_array(keypoints, name, 3, last_dim=2).astype("float32")
    if len(keypoints) != num_images:
        raise ValueError(
            f"`{name}` must hold one row per image ({num_images}). "
            f"Received: {name}.shape={keypoints.shape}"
        )
    return keypoints


def to_uint8(images):
    """Images on the [0, 255] scale (any float range) -> clipped, rounded uint8."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    return np.clip(np.round(images.astype("float32")), 0, 255).astype("uint8")


def upscale_factor(height, width, min_size=DEFAULT_MIN_SIZE):
    """The integer factor that brings the short side to at least `min_size`."""
    if min_size is None:
        return 1
    return max(1, math.ceil(min_size / min(height, width)))


def upscale(image, factor):
    """Nearest-neighbour enlargement by an integer `factor` (`(H, W, C)`)."""
    if factor == 1:
        return image
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1)


def scale_points(points, factor):
    """Pixel (x, y) in the original image -> pixel (x, y) after `upscale`.

    Pixel centres sit at integer coordinates, so original centre `i` becomes the
    centre of the block `[i * f, (i + 1) * f)`, at `i * f + (f - 1) / 2`.
    """
    return np.asarray(points, "float32") * factor + (factor - 1) / 2.0


def default_radius(panel_size):
    return max(3, round(panel_size / 32))


def font(size=TITLE_FONT_SIZE):
    return ImageFont.load_default(size=size)


def draw_markers(
    canvas, points, colors, radius, outline=OUTLINE_COLOR, labels=None, width=1
):
    """Filled circles with a dark outline on a PIL image, in place.

    Args:
        canvas: `PIL.Image.Image`.
        points: `(K, 2)` pixel (x, y) on the canvas; non-finite rows are skipped.
        colors: `(K, 3)` uint8 or one RGB tuple for all.
        radius: circle radius in pixels.
        labels: optional sequence of K strings written next to the markers.
    """
    draw = ImageDraw.Draw(canvas)
    colors = np.asarray(colors)
    label_font = font(max(8, 3 * radius)) if labels is not None else None
    for k, (x, y) in enumerate(np.asarray(points, "float32")):
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        color = tuple(int(c) for c in (colors[k] if colors.ndim == 2 else colors))
        box = (x - radius, y - radius, x + radius, y + radius)
        draw.ellipse(box, fill=color, outline=outline, width=width)
        if labels is not None:
            draw.text(
                (x + radius + 1, y - radius - 1),
                str(labels[k]),
                fill=color,
                font=label_font,
                stroke_width=1,
                stroke_fill=outline,
            )
    return canvas


def draw_keypoints(
    image,
    keypoints,
    scale=1,
    radius=None,
    labels=False,
    colors=None,
):
    """One image with its keypoints as coloured, outlined dots.

    Args:
        image: `(H, W, 3)` on [0, 255] (clipped).
        keypoints: `(K, 2)` pixel (x, y) in `image`.
        scale: int, default 1. Nearest-neighbour enlargement before drawing.
        radius: marker radius in output pixels; default from the panel size.
        labels: bool, default False. Write each keypoint's index beside it.
        colors: optional `(K, 3)` colours; default `keypoint_palette(K)`.

    Returns:
        `(H * scale, W * scale, 3)` uint8.
    """
    image = check_array(image, "image", 3, last_dim=3)
    keypoints = check_array(keypoints, "keypoints", 2, last_dim=2)
    if not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ValueError(f"`scale` must be an int >= 1. Received: scale={scale!r}")
    big = upscale(to_uint8(image), int(scale))
    if radius is None:
        radius = default_radius(min(big.shape[:2]))
    if colors is None:
        colors = keypoint_palette(len(keypoints))
    canvas = Image.fromarray(big)
    draw_markers(
        canvas,
        scale_points(keypoints, scale),
        colors,
        radius,
        labels=[str(k) for k in range(len(keypoints))] if labels else None,
    )
    return np.asarray(canvas)


def grid(cells, gutter=GUTTER, column_titles=None, row_titles=None, title_width=0):
    """Equal-size panels on a white canvas with `gutter` pixels between them.

    Cell (r, c) has its top-left corner at
    `(top + r * (h + gutter), left + c * (w + gutter))` where `top` is
    `TITLE_HEIGHT` when `column_titles` is given (else 0) and `left` is
    `title_width` when `row_titles` is given (else 0). A cell may be None (blank).

    Returns:
        uint8 `(rows * h + (rows - 1) * gutter + top, ...)` array.
    """
    rows, cols = len(cells), max(len(r) for r in cells)
    first = next(c for row in cells for c in row if c is not None)
    height, width = first.shape[:2]
    top = TITLE_HEIGHT if column_titles is not None else 0
    left = title_width if row_titles is not None else 0
    canvas = np.full(
        (
            top + rows * height + (rows - 1) * gutter,
            left + cols * width + (cols - 1) * gutter,
            3,
        ),
        255,
        dtype="uint8",
    )
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if cell.shape[:2] != (height, width):
                raise ValueError(
                    "All panels of a grid must have the same size. Received: "
                    f"{cell.shape[:2]} and {(height, width)}"
                )
            y = top + r * (height + gutter)
            x = left + c * (width + gutter)
            canvas[y : y + height, x : x + width] = cell
    if column_titles is None and row_titles is None:
        return canvas
    image = Image.fromarray(canvas)
    draw = ImageDraw.Draw(image)
    title_font = font()
    for c, title in enumerate(column_titles or ()):
        x = left + c * (width + gutter) + width / 2
        draw.text(
            (x, top / 2), str(title), fill=(0, 0, 0), font=title_font, anchor="mm"
        )
    for r, title in enumerate(row_titles or ()):
        y = top + r * (height + gutter) + height / 2
        draw.text((2, y), str(title), fill=(0, 0, 0), font=title_font, anchor="lm")
    return np.asarray(image)


def save_png(array, path):
    """Writes an `(H, W, 3)` uint8 (or [0, 255] float) array as PNG; makes folders.

    Returns:
        `path` as a string.
    """
    array = to_uint8(check_array(array, "array", 3, last_dim=3))
    path = os.fspath(path)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    Image.fromarray(array).save(path, format="PNG")
    return path
