"""Conv + batch norm + ReLU, the unit every network of the paper is built from."""

import keras

# Reference code: truncated normal, std 0.01, biases 0.
KERNEL_INIT_STD = 0.01
# Reference code: L2 weight decay 1e-5 on conv kernels only.
WEIGHT_DECAY = 1e-5
# Reference code: batch norm momentum 0.99, epsilon 1e-3 (also Keras' defaults).
BATCH_NORM_MOMENTUM = 0.99
BATCH_NORM_EPSILON = 1e-3


def conv_kernel_kwargs(weight_decay):
    """Initializer and regularizer arguments shared by every conv of the model."""
    return {
        "kernel_initializer": keras.initializers.TruncatedNormal(
            stddev=KERNEL_INIT_STD
        ),
        "bias_initializer": "zeros",
        "kernel_regularizer": (
            keras.regularizers.L2(weight_decay) if weight_decay else None
        ),
    }


@keras.saving.register_keras_serializable(package="keras_landmarks")
class ConvBlock(keras.layers.Layer):
    """`Conv2D` (with bias, 'same' padding) -> `BatchNormalization` -> ReLU.

    Args:
        filters: int, output channels.
        kernel_size: int, default 3.
        strides: int, default 1.
        weight_decay: float, default 1e-5. L2 factor on the kernel.

    Call arguments:
        inputs: `(batch, height, width, channels)`.
        training: bool, batch norm mode.

    Returns:
        `(batch, height / strides, width / strides, filters)`.
    """

    def __init__(
        self, filters, kernel_size=3, strides=1, weight_decay=WEIGHT_DECAY, **kwargs
    ):
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.weight_decay = weight_decay
        self.conv = keras.layers.Conv2D(
            filters,
            kernel_size,
            strides=strides,
            padding="same",
            dtype=self.dtype_policy,
            name="conv",
            **conv_kernel_kwargs(weight_decay),
        )
        self.norm = keras.layers.BatchNormalization(
            momentum=BATCH_NORM_MOMENTUM,
            epsilon=BATCH_NORM_EPSILON,
            dtype=self.dtype_policy,
            name="norm",
        )

    def build(self, input_shape):
        self.conv.build(input_shape)
        output_shape = self.conv.compute_output_shape(input_shape)
        self.norm.build(output_shape)
        self.built = True

    def call(self, inputs, training=None):
        x = self.conv(inputs)
        x = self.norm(x, training=training)
        return keras.ops.relu(x)

    def compute_output_shape(self, input_shape):
        return self.conv.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "weight_decay": self.weight_decay,
            }
        )
        return config
