"""Separable soft-argmax: raw heatmaps to 2-D keypoints (paper section 3.1, eq. 1)."""

import keras
from keras import ops


def _axis_grid(n):
    # -1 and +1 are the centres of the first and last cells (reference code).
    return ops.linspace(-1.0, 1.0, n)


@keras.saving.register_keras_serializable(package="keras_landmarks")
class HeatmapsToKeypoints(keras.layers.Layer):
    """Turns K raw heatmaps into K points with a separable softmax.

    For each axis the logits are averaged over the other axis, a softmax is taken
    along this axis and the point is the expectation of the cell centres
    `linspace(-1, 1, n)`. This is the reference code's form (mean of the logits);
    the paper writes a sum, which only scales the softmax temperature by the size
    of the other axis.

    The computation always runs in float32, whatever the layer's dtype policy: a
    softmax over 16 cells in bfloat16 loses a visible fraction of a cell.

    Args:
        return_distributions: bool, default False. Also return the two 1-D
            distributions, for pictures.

    Call arguments:
        heatmaps: `(batch, height, width, K)` raw logits.

    Returns:
        `(batch, K, 2)` keypoints in (x, y) order, each in [-1, 1]. With
        `return_distributions=True`, a tuple `(keypoints, prob_x, prob_y)` where
        `prob_x` is `(batch, width, K)` and `prob_y` is `(batch, height, K)`.

    Example:

    >>> layer = HeatmapsToKeypoints()
    >>> layer(np.zeros((2, 16, 16, 10))).shape
    (2, 10, 2)
    """

    def __init__(self, return_distributions=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(return_distributions, bool):
            raise ValueError(
                "`return_distributions` must be a bool. "
                f"Received: return_distributions={return_distributions!r}"
            )
        self.return_distributions = return_distributions

    def build(self, input_shape):
        _check_heatmap_shape(input_shape)
        self.built = True

    def call(self, heatmaps):
        heatmaps = ops.cast(heatmaps, "float32")
        height, width = ops.shape(heatmaps)[1], ops.shape(heatmaps)[2]
        prob_y = ops.softmax(ops.mean(heatmaps, axis=2), axis=1)  # (B, H, K)
        prob_x = ops.softmax(ops.mean(heatmaps, axis=1), axis=1)  # (B, W, K)
        y = ops.einsum("bhk,h->bk", prob_y, _axis_grid(height))
        x = ops.einsum("bwk,w->bk", prob_x, _axis_grid(width))
        keypoints = ops.stack([x, y], axis=-1)
        if self.return_distributions:
            return keypoints, prob_x, prob_y
        return keypoints

    def compute_output_shape(self, input_shape):
        batch, height, width, k = input_shape
        keypoints_shape = (batch, k, 2)
        if self.return_distributions:
            return keypoints_shape, (batch, width, k), (batch, height, k)
        return keypoints_shape

    def compute_output_spec(self, heatmaps):
        shapes = self.compute_output_shape(heatmaps.shape)
        if self.return_distributions:
            return tuple(keras.KerasTensor(s, dtype="float32") for s in shapes)
        return keras.KerasTensor(shapes, dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update({"return_distributions": self.return_distributions})
        return config


def _check_heatmap_shape(shape):
    if len(shape) != 4:
        raise ValueError(
            "Heatmaps must have rank 4, (batch, height, width, K). "
            f"Received: shape={tuple(shape)}"
        )
    for name, size in zip(("height", "width", "K"), shape[1:], strict=False):
        if size is not None and size < 1:
            raise ValueError(f"Heatmap {name} must be >= 1. Received: shape={shape}")
