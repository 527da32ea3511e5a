"""The masked mean distance between two feature maps: one reconstruction term."""

from keras import ops

from keras_landmarks.layers.legacy_bilinear_resize import legacy_bilinear_resize

DISTANCES = ("l1", "l2")


def masked_mean_distance(gt, pred, loss_mask=None, distance="l2"):
    """`m = mean(mask * d(gt, pred))` over all elements (reference code).

    Args:
        gt, pred: `(batch, h, w, c)` float32 feature maps (or images).
        loss_mask: optional `(batch, H, W, 1)` in [0, 1], resized to `(h, w)`
            with `legacy_bilinear_resize` (the reference's TF1 bilinear
            convention; no-op at the same size).
        distance: `"l2"` (default: squared difference) or `"l1"` (absolute).

    Returns:
        A scalar, the mean over batch, positions and channels.
    """
    if distance not in DISTANCES:
        raise ValueError(
            f"`distance` must be one of {DISTANCES}. Received: distance={distance!r}"
        )
    diff = gt - pred
    per_element = ops.square(diff) if distance == "l2" else ops.abs(diff)
    if loss_mask is not None:
        layer_mask = legacy_bilinear_resize(
            ops.cast(loss_mask, "float32"), (gt.shape[1], gt.shape[2])
        )
        per_element = per_element * layer_mask
    return ops.mean(per_element)
