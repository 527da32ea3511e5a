"""TF1's legacy bilinear resize (corner-aligned sampling) written with `keras.ops`."""

import math

import keras
from keras import ops

from keras_landmarks.integers import is_integer


def legacy_bilinear_resize(images, size):
    """Resizes `(batch, height, width, channels)` images the way TF1 did.

    The reference code resizes with TF1's `tf.image.resize_bilinear(
    align_corners=False)`, whose sampling predates half-pixel centres: output
    pixel `d` reads the input at `src = d * in / out`, interpolating between
    `floor(src)` and the next pixel, the last one clamped to the border. So an
    integer downsampling by `f` keeps every `f`-th pixel (the loss mask at each
    VGG layer), and an integer upsampling by `f` copies input pixel 0 to output
    pixel 0 and repeats the last input pixel in the last `f - 1` outputs (the
    paper generator's upsampling). Keras' bilinear resize samples at half-pixel
    centres instead, a quarter-pixel shift at factor 2.

    Height and width are resized one after the other. For an axis going from
    `n` to `m` pixels with `g = gcd(n, m)`, output `d = (m / g) k + r` reads
    `src = (n / g) k + r n / m`, so each of the `m / g` phases `r` is a strided
    slice of the input with one fixed weight: no gather, so the gradient is
    slices too (deterministic, and XLA compiles it under any dtype policy).
    The weights are exact fractions (TF1 computed `d * in / out` in float32,
    which can differ in the last bit at ratios other than powers of two); a
    phase of weight 0 is the slice itself.

    Computed in the dtype of `images` with `keras.ops` only.

    Args:
        images: float `(batch, height, width, channels)`, height and width
            known when the function is traced.
        size: `(new_height, new_width)`, positive ints.

    Returns:
        `(batch, new_height, new_width, channels)`, the dtype of `images`.

    Example:

    >>> legacy_bilinear_resize(np.array([0.0, 2.0]).reshape(1, 1, 2, 1), (1, 4))
    ... # [0, 1, 2, 2] along the width
    >>> legacy_bilinear_resize(np.zeros((2, 32, 32, 1)), (8, 8)).shape
    (2, 8, 8, 1)
    """
    if len(size) != 2 or not all(is_integer(s) and s >= 1 for s in size):
        raise ValueError(
            f"`size` must be two positive ints (height, width). Received: size={size!r}"
        )
    shape = tuple(images.shape)
    if len(shape) != 4 or shape[1] is None or shape[2] is None:
        raise ValueError(
            "`images` must have shape (batch, height, width, channels) with a known "
            f"height and width. Received: shape={shape}"
        )
    if not isinstance(images, keras.KerasTensor):
        # Numpy input would be sliced by numpy and met by backend tensors.
        images = ops.convert_to_tensor(images)
    resized = _resize_axis(images, 1, int(size[0]))
    return _resize_axis(resized, 2, int(size[1]))


def _resize_axis(x, axis, out_size):
    in_size = x.shape[axis]
    if in_size == out_size:
        return x
    common = math.gcd(in_size, out_size)
    phases_count = out_size // common
    in_step = in_size // common
    before = (slice(None),) * axis
    upper = None
    phases = []
    for phase in range(phases_count):
        start, remainder = divmod(phase * in_step, phases_count)
        # `common` pixels, `in_step` apart: the lower neighbours of this phase.
        # An upsampling's phases read every pixel: the tensor itself, not a
        # slice of it (each slice's gradient is a full-size scatter).
        whole = start == 0 and in_step == 1 and common == in_size
        lower = before + (slice(start, start + in_step * (common - 1) + 1, in_step),)
        lower_x = x if whole else x[lower]
        if remainder == 0:
            phases.append(lower_x)
            continue
        if upper is None:
            # The upper neighbour of every input pixel, the last one clamped.
            upper = ops.concatenate(
                [x[before + (slice(1, None),)], x[before + (slice(-1, None),)]],
                axis=axis,
            )
        upper_x = upper if whole else upper[lower]
        weight = ops.cast(remainder / phases_count, x.dtype)
        phases.append(lower_x + weight * (upper_x - lower_x))
    if phases_count == 1:
        return phases[0]
    # (..., common, phases, ...) -> (..., out_size, ...): phase r of step k
    # lands at output index phases * k + r.
    stacked = ops.stack(phases, axis=axis + 1)
    new_shape = list(ops.shape(x))
    new_shape[0] = -1
    new_shape[axis] = out_size
    return ops.reshape(stacked, new_shape)
