"""A small patch discriminator for the adversarial ablation (paper Table 2)."""

import keras
from keras import ops

from keras_landmarks.integers import is_integer

# Our choice (the paper gives no discriminator architecture): three stride-2
# convs, LeakyReLU 0.2, no batch norm (the network sees real and fake batches
# separately in one step; batch statistics would tell them apart).
DEFAULT_DISCRIMINATOR_FILTERS = (32, 64, 128)
LEAKY_SLOPE = 0.2


@keras.saving.register_keras_serializable(package="keras_landmarks")
class PatchDiscriminator(keras.Model):
    """Scores image patches as real (positive logits) or generated.

    Args:
        filters: channels of the stride-2 4x4 convs, default (32, 64, 128).

    Call arguments:
        images: `(batch, H, W, 3)` RGB in [0, 255] (rescaled to [-1, 1] here).

    Returns:
        `(batch, H / 2^n, W / 2^n, 1)` float32 logits, n = `len(filters)`.

    Example:

    >>> PatchDiscriminator((8, 16))(np.zeros((2, 32, 32, 3))).shape
    (2, 8, 8, 1)
    """

    def __init__(self, filters=DEFAULT_DISCRIMINATOR_FILTERS, **kwargs):
        super().__init__(**kwargs)
        filters = tuple(filters)
        if not filters or any(not is_integer(f) or f < 1 for f in filters):
            raise ValueError(
                f"`filters` must be positive ints. Received: filters={filters!r}"
            )
        self.filters = tuple(int(f) for f in filters)
        self.convs = [
            keras.layers.Conv2D(
                f,
                4,
                strides=2,
                padding="same",
                dtype=self.dtype_policy,
                name=f"conv{i + 1}",
            )
            for i, f in enumerate(filters)
        ]
        self.to_logits = keras.layers.Conv2D(
            1, 3, padding="same", dtype="float32", name="logits"
        )

    def build(self, input_shape):
        shape = tuple(input_shape)
        for conv in self.convs:
            conv.build(shape)
            shape = conv.compute_output_shape(shape)
        self.to_logits.build(shape)
        self.built = True

    def call(self, images):
        x = ops.cast(images, self.compute_dtype) / 127.5 - 1.0
        for conv in self.convs:
            x = ops.leaky_relu(conv(x), LEAKY_SLOPE)
        return ops.cast(self.to_logits(x), "float32")

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for conv in self.convs:
            shape = conv.compute_output_shape(shape)
        return self.to_logits.compute_output_shape(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters})
        return config
