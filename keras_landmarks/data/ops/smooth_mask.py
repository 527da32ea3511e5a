"""The smooth border mask of the reference's loss (IMM-NOTES, "Loss mask")."""

import numpy as np

# Reference code: the ramp is 0.5 + 0.5 * tanh(linspace(-1, 1, ramp) / 0.4).
RAMP_TEMPERATURE = 0.4
# Reference code at 128 px: 10 zero pixels, then a 20-pixel ramp, at each border.
REFERENCE_SIZE = 128
REFERENCE_MARGIN = 10
REFERENCE_RAMP = 20


def _profile(length, margin, ramp):
    rise = 0.5 + 0.5 * np.tanh(np.linspace(-1.0, 1.0, ramp) / RAMP_TEMPERATURE)
    ones = length - 2 * (margin + ramp)
    return np.concatenate(
        [np.zeros(margin), rise, np.ones(ones), rise[::-1], np.zeros(margin)]
    )


def smooth_mask(size, margin=REFERENCE_MARGIN, ramp=REFERENCE_RAMP):
    """Border mask that is 0 at the edges and rises smoothly to 1 inside.

    Along each axis: `margin` zeros, a `ramp`-sample rise
    `0.5 + 0.5 * tanh(linspace(-1, 1, ramp) / 0.4)`, ones, the mirrored rise and
    `margin` zeros. The 2-D mask is the outer product of the two profiles. With
    `size=128, margin=10, ramp=20` this is the reference code's loss mask; the
    reference's 32-pixel test vector uses `margin=3, ramp=6`. Warped with the
    target warp it masks the loss of thin-plate-spline pairs (`tps_pairs`), so
    the zero padding the warp brings in is not reconstructed.

    Args:
        size: int or `(height, width)` tuple, the mask size in pixels.
        margin: int, default 10. Zero pixels at each border.
        ramp: int, default 20. Length in pixels of the rise from 0 to 1.

    Returns:
        float32 numpy array of shape `(height, width)` with values in [0, 1].

    Example:

    >>> mask = smooth_mask(128)
    >>> mask.shape, float(mask[64, 64]), float(mask[0, 64])
    ((128, 128), 1.0, 0.0)
    """
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        height = width = int(size)
    elif isinstance(size, (tuple, list)) and len(size) == 2:
        height, width = (int(s) for s in size)
    else:
        raise ValueError(
            f"`size` must be an int or a (height, width) pair. Received: size={size!r}"
        )
    for name, value in (("margin", margin), ("ramp", ramp)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise ValueError(f"`{name}` must be an int. Received: {name}={value!r}")
        if value < 0:
            raise ValueError(f"`{name}` must be >= 0. Received: {name}={value!r}")
    if min(height, width) < 2 * (margin + ramp):
        raise ValueError(
            "The mask must be at least 2 * (margin + ramp) pixels on each side. "
            f"Received: size={size!r}, margin={margin}, ramp={ramp}"
        )
    mask = np.outer(_profile(height, margin, ramp), _profile(width, margin, ramp))
    return mask.astype(np.float32)


def default_mask_geometry(size):
    """The reference's `(margin, ramp)` scaled from 128 px to `size` pixels.

    Args:
        size: int, the image side in pixels.

    Returns:
        `(margin, ramp)` ints: `(10, 20)` at 128 px, `(5, 10)` at 64 px.
    """
    scale = size / REFERENCE_SIZE
    return round(REFERENCE_MARGIN * scale), max(1, round(REFERENCE_RAMP * scale))
