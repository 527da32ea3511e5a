"""The convolutional encoder used twice: detector trunk and appearance encoder."""

import math

import keras

from keras_landmarks.integers import is_integer
from keras_landmarks.models.conv_block import BATCH_NORM_MOMENTUM
from keras_landmarks.models.conv_block import KERNEL_INITIALIZER
from keras_landmarks.models.conv_block import WEIGHT_DECAY
from keras_landmarks.models.conv_block import ConvBlock
from keras_landmarks.models.conv_block import validate_batch_norm_momentum
from keras_landmarks.models.conv_block import validate_kernel_initializer

# Reference code: 8 conv layers, channels 32..256, stride 2 at conv 3, 5 and 7.
REFERENCE_ENCODER_FILTERS = (32, 32, 64, 64, 128, 128, 256, 256)
REFERENCE_ENCODER_STRIDES = (1, 1, 2, 1, 2, 1, 2, 1)
# Reference code: 7x7 kernel for the first conv, 3x3 after.
FIRST_KERNEL_SIZE = 7


def validate_filters_and_strides(filters, strides, owner):
    filters = tuple(filters)
    strides = tuple(strides)
    if not filters or any(not is_integer(f) or f < 1 for f in filters):
        raise ValueError(
            f"{owner}: `filters` must be a non-empty sequence of positive ints. "
            f"Received: filters={filters}"
        )
    if len(strides) != len(filters) or any(s not in (1, 2) for s in strides):
        raise ValueError(
            f"{owner}: `strides` must have one entry (1 or 2) per conv layer, "
            f"{len(filters)} here. Received: strides={strides}"
        )
    return tuple(int(f) for f in filters), tuple(int(s) for s in strides)


@keras.saving.register_keras_serializable(package="keras_landmarks")
class ConvEncoder(keras.layers.Layer):
    """A stack of conv+BN+ReLU blocks, 7x7 first and 3x3 after (paper section 4).

    With the defaults this is the reference encoder: channels 32, 32, 64, 64,
    128, 128, 256, 256 with stride 2 at the 3rd, 5th and 7th conv, so a 128x128
    image becomes a 16x16x256 feature map. The appearance encoder is this layer;
    the landmark detector is this layer plus a 1x1 conv.

    Args:
        filters: sequence of ints, output channels of each conv.
        strides: sequence of 1 or 2, one per conv.
        weight_decay: float, default 1e-5. L2 factor on conv kernels.
        kernel_initializer: str, default `"reference"` (truncated normal, std
            0.01, the reference code's) or a Keras initializer name such as
            `"he_normal"`. See `ConvBlock`.
        batch_norm_momentum: float in [0, 1), default 0.99 (reference code).

    Call arguments:
        images: `(batch, height, width, 3)`, RGB in [0, 255] (not normalised:
            batch norm follows the first conv, as in the reference).
        training: bool.

    Returns:
        `(batch, height / f, width / f, filters[-1])` where `f` is the product
        of the strides (`downsampling`).

    Example:

    >>> encoder = ConvEncoder(filters=(8, 8, 16, 16), strides=(1, 2, 1, 2))
    >>> encoder(np.zeros((1, 32, 32, 3))).shape
    (1, 8, 8, 16)
    """

    def __init__(
        self,
        filters=REFERENCE_ENCODER_FILTERS,
        strides=REFERENCE_ENCODER_STRIDES,
        weight_decay=WEIGHT_DECAY,
        kernel_initializer=KERNEL_INITIALIZER,
        batch_norm_momentum=BATCH_NORM_MOMENTUM,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters, self.strides = validate_filters_and_strides(
            filters, strides, type(self).__name__
        )
        validate_kernel_initializer(kernel_initializer)
        validate_batch_norm_momentum(batch_norm_momentum)
        self.weight_decay = weight_decay
        self.kernel_initializer = kernel_initializer
        self.batch_norm_momentum = float(batch_norm_momentum)
        self.blocks = [
            ConvBlock(
                f,
                FIRST_KERNEL_SIZE if i == 0 else 3,
                strides=s,
                weight_decay=weight_decay,
                kernel_initializer=kernel_initializer,
                batch_norm_momentum=batch_norm_momentum,
                dtype=self.dtype_policy,
                name=f"block_{i}",
            )
            for i, (f, s) in enumerate(zip(self.filters, self.strides, strict=False))
        ]

    @property
    def downsampling(self):
        """Ratio of the input size to the output size."""
        return math.prod(self.strides)

    def build(self, input_shape):
        shape = input_shape
        for block in self.blocks:
            block.build(shape)
            shape = block.compute_output_shape(shape)
        self.built = True

    def call(self, images, training=None):
        x = images
        for block in self.blocks:
            x = block(x, training=training)
        return x

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for block in self.blocks:
            shape = block.compute_output_shape(shape)
        return shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "strides": self.strides,
                "weight_decay": self.weight_decay,
                "kernel_initializer": self.kernel_initializer,
                "batch_norm_momentum": self.batch_norm_momentum,
            }
        )
        return config
