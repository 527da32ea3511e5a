"""Bilinear image sampling at arbitrary points, zero (or border) outside the image."""

import tensorflow as tf

PADDINGS = ("zeros", "border")


def bilinear_sample(images, grid, padding="zeros"):
    """Samples `images` at the (x, y) points of `grid` with bilinear weights.

    Coordinates are in [-1, 1] with align_corners=True semantics: -1 and +1 are
    the centres of the first and last pixels, so column `j` sits at
    `x = -1 + 2 j / (width - 1)`. Neighbours outside the image count as zero
    (zero padding), so the output fades to 0 within one pixel of the border.
    Matches `torch.nn.functional.grid_sample(..., mode="bilinear",
    padding_mode="zeros", align_corners=True)`, which the reference code used.

    Args:
        images: float tensor `(height, width, channels)` or
            `(batch, height, width, channels)`.
        grid: float tensor `(out_height, out_width, 2)` or
            `(batch, out_height, out_width, 2)`, last axis (x, y); batched
            together with `images`.
        padding: `"zeros"` (default, the reference's) or `"border"`: points
            outside the image take the colour of the nearest border pixel
            (`padding_mode="border"` in torch), so warps show no black corners.

    Returns:
        float32 tensor `(out_height, out_width, channels)` (batched if the
        inputs are).

    Example:

    >>> image = tf.reshape(tf.range(4.0), (2, 2, 1))
    >>> float(bilinear_sample(image, tf.zeros((1, 1, 2)))[0, 0, 0])
    1.5
    """
    if padding not in PADDINGS:
        raise ValueError(
            f"`padding` must be one of {PADDINGS}. Received: padding={padding!r}"
        )
    images = tf.cast(tf.convert_to_tensor(images), tf.float32)
    grid = tf.cast(tf.convert_to_tensor(grid), tf.float32)
    if images.shape.rank != grid.shape.rank or images.shape.rank not in (3, 4):
        raise ValueError(
            "`images` and `grid` must both be unbatched (rank 3) or both batched "
            f"(rank 4). Received: images.shape={images.shape}, grid.shape={grid.shape}"
        )
    if grid.shape[-1] != 2:
        raise ValueError(f"`grid` must end in 2 (x, y). Received: {grid.shape}")
    unbatched = images.shape.rank == 3
    if unbatched:
        images, grid = images[None], grid[None]

    shape = tf.shape(images)
    batch, height, width = shape[0], shape[1], shape[2]
    x = (grid[..., 0] + 1.0) * 0.5 * tf.cast(width - 1, tf.float32)
    y = (grid[..., 1] + 1.0) * 0.5 * tf.cast(height - 1, tf.float32)
    if padding == "border":
        # Points outside move onto the nearest border pixel.
        x = tf.clip_by_value(x, 0.0, tf.cast(width - 1, tf.float32))
        y = tf.clip_by_value(y, 0.0, tf.cast(height - 1, tf.float32))
    else:
        # Far-away points only need to stay outside the image; clipping keeps
        # the int32 cast below well defined.
        x = tf.clip_by_value(x, -2.0, tf.cast(width + 1, tf.float32))
        y = tf.clip_by_value(y, -2.0, tf.cast(height + 1, tf.float32))
    x0, y0 = tf.floor(x), tf.floor(y)
    wx, wy = x - x0, y - y0
    x0, y0 = tf.cast(x0, tf.int32), tf.cast(y0, tf.int32)

    flat = tf.reshape(images, (-1, shape[3]))
    base = tf.range(batch)[:, None, None] * height * width

    def corner(yi, xi):
        inside = (xi >= 0) & (xi < width) & (yi >= 0) & (yi < height)
        index = base + tf.clip_by_value(yi, 0, height - 1) * width
        index += tf.clip_by_value(xi, 0, width - 1)
        return tf.gather(flat, index) * tf.cast(inside, tf.float32)[..., None]

    wx, wy = wx[..., None], wy[..., None]
    out = (
        corner(y0, x0) * (1.0 - wx) * (1.0 - wy)
        + corner(y0, x0 + 1) * wx * (1.0 - wy)
        + corner(y0 + 1, x0) * (1.0 - wx) * wy
        + corner(y0 + 1, x0 + 1) * wx * wy
    )
    return out[0] if unbatched else out
