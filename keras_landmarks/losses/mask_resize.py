"""Resizing the loss mask to a feature map the way the reference does."""

from keras import ops


def _legacy_bilinear_axis(x, axis, out_size):
    # TF1 `resize_bilinear` without half-pixel centres (the reference's op): output
    # sample i reads input position i * in / out. For integer factors this is
    # plain subsampling, which is what the reference vectors show.
    in_size = x.shape[axis]
    if in_size == out_size:
        return x
    position = ops.arange(out_size, dtype="float32") * (in_size / out_size)
    lower = ops.floor(position)
    frac = position - lower
    lower = ops.cast(lower, "int32")
    upper = ops.minimum(lower + 1, in_size - 1)
    shape = [1] * len(x.shape)
    shape[axis] = out_size
    frac = ops.reshape(frac, shape)
    a = ops.take(x, lower, axis=axis)
    b = ops.take(x, upper, axis=axis)
    return a + (b - a) * frac


def resize_mask(mask, height, width):
    """Bilinear resize of a `(batch, H, W, 1)` mask to `(batch, height, width, 1)`.

    Uses the reference's TF1 bilinear convention (no half-pixel centres), which
    at the integer factors between VGG layers samples every f-th pixel.
    """
    mask = _legacy_bilinear_axis(mask, 1, height)
    return _legacy_bilinear_axis(mask, 2, width)
