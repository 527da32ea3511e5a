"""The generator: appearance features + Gaussian maps -> image (paper section 4)."""

import keras
from keras import ops

from keras_landmarks.integers import is_integer
from keras_landmarks.layers.legacy_bilinear_upsampling import LegacyBilinearUpsampling
from keras_landmarks.models.conv_block import BATCH_NORM_MOMENTUM
from keras_landmarks.models.conv_block import KERNEL_INITIALIZER
from keras_landmarks.models.conv_block import WEIGHT_DECAY
from keras_landmarks.models.conv_block import ConvBlock
from keras_landmarks.models.conv_block import conv_kernel_kwargs
from keras_landmarks.models.conv_block import validate_batch_norm_momentum
from keras_landmarks.models.conv_block import validate_kernel_initializer

# Reference code: 256 -> 128 -> 64 -> 32 channels, one entry per resolution.
REFERENCE_GENERATOR_FILTERS = (256, 128, 64, 32)
# How the generator upsamples x2: "bilinear" is Keras' `UpSampling2D`
# (half-pixel centres, the CPU preset's, with which its numbers were measured);
# "tf1_bilinear" is the reference code's TF1 `resize_bilinear(align_corners=False,
# half_pixel_centers=False)` (`LegacyBilinearUpsampling`, the paper preset's).
INTERPOLATIONS = ("bilinear", "tf1_bilinear")
INTERPOLATION = "bilinear"


def validate_interpolation(interpolation):
    """Raise a ValueError unless `interpolation` is one of `INTERPOLATIONS`."""
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"`interpolation` must be one of {INTERPOLATIONS}. "
            f"Received: interpolation={interpolation!r}"
        )


@keras.saving.register_keras_serializable(package="keras_landmarks")
class ImageGenerator(keras.layers.Layer):
    """Renders the target image from appearance features and landmark maps.

    The inputs are concatenated along channels at the lowest resolution (no
    skip connections). Each resolution but the last has two 3x3 conv+BN+ReLU
    blocks followed by bilinear x2 upsampling; the last (full) resolution has
    one conv+BN+ReLU block, then a linear 3x3 conv to the output channels.
    With the defaults and 16x16 inputs this is the reference generator for
    128x128 images. The output is unbounded, on the input images' [0, 255] scale.

    Args:
        filters: sequence of ints, channels at each resolution from the lowest;
            `len(filters) - 1` upsamplings.
        output_channels: int, default 3.
        weight_decay: float, default 1e-5.
        output_activation: `None` (default, linear: the reference) or
            `"sigmoid"`, then multiplied by `output_scale`. A bounded output on
            the image's scale (`"sigmoid"`, 255) learns the colour range in a few
            steps instead of thousands: the CPU preset uses it.
        output_scale: float, default 1.
        kernel_initializer: str, default `"reference"` (truncated normal, std
            0.01, the reference code's) or a Keras initializer name such as
            `"he_normal"`; for every conv, the last (linear) one included.
        batch_norm_momentum: float in [0, 1), default 0.99 (reference code).
        interpolation: one of `INTERPOLATIONS`, default `"bilinear"` (Keras'
            half-pixel `UpSampling2D`); `"tf1_bilinear"` samples as the
            reference's TF1 resize (`LegacyBilinearUpsampling`).

    Call arguments:
        inputs: list `[features, maps]`, `(batch, h, w, C)` and `(batch, h, w, K)`.
        training: bool.

    Returns:
        `(batch, h * 2**(len(filters) - 1), w * ..., output_channels)`.

    Example:

    >>> generator = ImageGenerator(filters=(16, 8))
    >>> generator([np.zeros((1, 8, 8, 16)), np.zeros((1, 8, 8, 5))]).shape
    (1, 16, 16, 3)
    """

    def __init__(
        self,
        filters=REFERENCE_GENERATOR_FILTERS,
        output_channels=3,
        weight_decay=WEIGHT_DECAY,
        output_activation=None,
        output_scale=1.0,
        kernel_initializer=KERNEL_INITIALIZER,
        batch_norm_momentum=BATCH_NORM_MOMENTUM,
        interpolation=INTERPOLATION,
        **kwargs,
    ):
        super().__init__(**kwargs)
        validate_kernel_initializer(kernel_initializer)
        validate_batch_norm_momentum(batch_norm_momentum)
        validate_interpolation(interpolation)
        if output_activation not in (None, "sigmoid"):
            raise ValueError(
                "`output_activation` must be None or 'sigmoid'. "
                f"Received: output_activation={output_activation!r}"
            )
        filters = tuple(filters)
        if not filters or any(not is_integer(f) or f < 1 for f in filters):
            raise ValueError(
                "`filters` must be a non-empty sequence of positive ints. "
                f"Received: filters={filters}"
            )
        if not is_integer(output_channels) or output_channels < 1:
            raise ValueError(
                "`output_channels` must be a positive int. "
                f"Received: output_channels={output_channels!r}"
            )
        self.filters = tuple(int(f) for f in filters)
        self.output_channels = int(output_channels)
        self.weight_decay = weight_decay
        self.output_activation = output_activation
        self.output_scale = float(output_scale)
        self.kernel_initializer = kernel_initializer
        self.batch_norm_momentum = float(batch_norm_momentum)
        self.interpolation = interpolation
        self.stages = []
        for level, f in enumerate(filters):
            last = level == len(filters) - 1
            self.stages.append(
                [
                    ConvBlock(
                        f,
                        3,
                        weight_decay=weight_decay,
                        kernel_initializer=kernel_initializer,
                        batch_norm_momentum=batch_norm_momentum,
                        dtype=self.dtype_policy,
                        name=f"level_{level}_block_{i}",
                    )
                    for i in range(1 if last else 2)
                ]
            )
        if interpolation == "tf1_bilinear":
            # Plain ops (no resize kernel): one dtype under a mixed policy.
            self.upsample = LegacyBilinearUpsampling(
                2, dtype=self.dtype_policy, name="upsample"
            )
        else:
            # A float32 island under a mixed policy: TensorFlow's bilinear
            # resize computes and returns float32 whatever its input, so in a
            # bfloat16 layer its gradient meets bfloat16 ReLU gradients, which
            # XLA refuses ("Seen floating point types of different
            # precisions"). Resizing in float32 keeps one type on each side of
            # the casts Keras inserts.
            self.upsample = keras.layers.UpSampling2D(
                2, interpolation="bilinear", dtype="float32", name="upsample"
            )
        self.to_image = keras.layers.Conv2D(
            output_channels,
            3,
            padding="same",
            dtype=self.dtype_policy,
            name="to_image",
            **conv_kernel_kwargs(weight_decay, kernel_initializer),
        )

    @property
    def upsampling(self):
        """Ratio of the output size to the input size."""
        return 2 ** (len(self.filters) - 1)

    def build(self, input_shape):
        features_shape, maps_shape = input_shape
        shape = (*features_shape[:3], features_shape[3] + maps_shape[3])
        for level, blocks in enumerate(self.stages):
            if level > 0:
                shape = self.upsample.compute_output_shape(shape)
            for block in blocks:
                block.build(shape)
                shape = block.compute_output_shape(shape)
        self.to_image.build(shape)
        self.built = True

    def call(self, inputs, training=None):
        features, maps = inputs
        x = ops.concatenate([features, ops.cast(maps, features.dtype)], axis=-1)
        for level, blocks in enumerate(self.stages):
            if level > 0:
                x = self.upsample(x)
            for block in blocks:
                x = block(x, training=training)
        x = self.to_image(x)
        if self.output_activation == "sigmoid":
            x = ops.sigmoid(x)
        if self.output_scale != 1.0:
            x = x * ops.cast(self.output_scale, x.dtype)
        return x

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape[0]
        scale = self.upsampling
        return (
            batch,
            None if height is None else height * scale,
            None if width is None else width * scale,
            self.output_channels,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "output_channels": self.output_channels,
                "weight_decay": self.weight_decay,
                "output_activation": self.output_activation,
                "output_scale": self.output_scale,
                "kernel_initializer": self.kernel_initializer,
                "batch_norm_momentum": self.batch_norm_momentum,
                "interpolation": self.interpolation,
            }
        )
        return config
