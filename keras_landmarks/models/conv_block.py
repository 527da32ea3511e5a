"""Conv + batch norm + ReLU, the unit every network of the paper is built from."""

import inspect
import numbers

import keras

# Reference code: truncated normal, std 0.01, biases 0.
KERNEL_INIT_STD = 0.01
# "reference" names the reference code's initializer above; any Keras initializer
# name ("he_normal", "glorot_uniform", ...) replaces it, for ablations.
KERNEL_INITIALIZER = "reference"
# Reference code: L2 weight decay 1e-5 on conv kernels only. The models'
# default, in Keras' convention: `L2(λ)` adds λΣw².
WEIGHT_DECAY = 1e-5
# The reference's `tf.contrib.layers.l2_regularizer(λ)` adds λΣw²/2 (TF1's
# `tf.nn.l2_loss` halves), so the same λ in Keras' `L2(λ)` doubles its decay.
TF1_L2_FACTOR = 0.5
# The reference's decay in Keras' convention: `L2(REFERENCE_WEIGHT_DECAY)` adds
# 1e-5 * Σw²/2, what `l2_regularizer(1e-5)` adds. The paper preset's; the CPU
# preset keeps `WEIGHT_DECAY`, with which its numbers were measured.
REFERENCE_WEIGHT_DECAY = WEIGHT_DECAY * TF1_L2_FACTOR
# Reference code: batch norm momentum 0.99, epsilon 1e-3 (also Keras' defaults).
BATCH_NORM_MOMENTUM = 0.99
BATCH_NORM_EPSILON = 1e-3


def validate_kernel_initializer(kernel_initializer):
    """Raise a ValueError unless `kernel_initializer` is "reference" or the name
    of one of Keras' initializers. Only names: the value stays in configs.
    """
    # Checked by name, without making the initializer: a random one draws its
    # seed when made, which would change the weights built after the check.
    if isinstance(kernel_initializer, str):
        if kernel_initializer == KERNEL_INITIALIZER:
            return
        candidate = getattr(keras.initializers, kernel_initializer, None)
        if (
            inspect.isclass(candidate)
            and issubclass(candidate, keras.initializers.Initializer)
            and candidate is not keras.initializers.Initializer
        ):
            return
    raise _kernel_initializer_error(kernel_initializer)


def _kernel_initializer_error(kernel_initializer):
    return ValueError(
        "`kernel_initializer` must be 'reference' (truncated normal, std "
        f"{KERNEL_INIT_STD}) or the name of a Keras initializer such as "
        f"'he_normal'. Received: kernel_initializer={kernel_initializer!r}"
    )


def validate_batch_norm_momentum(batch_norm_momentum):
    """Raise a ValueError unless `batch_norm_momentum` is a number in [0, 1)."""
    if (
        not isinstance(batch_norm_momentum, numbers.Real)
        or isinstance(batch_norm_momentum, bool)
        or not 0 <= batch_norm_momentum < 1
    ):
        raise ValueError(
            "`batch_norm_momentum` must be a number in [0, 1). "
            f"Received: batch_norm_momentum={batch_norm_momentum!r}"
        )


def conv_kernel_kwargs(weight_decay, kernel_initializer=KERNEL_INITIALIZER):
    """Initializer and regularizer arguments shared by every conv of the model.

    Call once per conv: each call makes a new initializer, with its own seed.
    """
    validate_kernel_initializer(kernel_initializer)
    if kernel_initializer == KERNEL_INITIALIZER:
        initializer = keras.initializers.TruncatedNormal(stddev=KERNEL_INIT_STD)
    else:
        try:
            initializer = keras.initializers.get(kernel_initializer)
        except (KeyError, TypeError, ValueError) as error:
            # e.g. "constant": a Keras initializer, but not without a value.
            raise _kernel_initializer_error(kernel_initializer) from error
    return {
        "kernel_initializer": initializer,
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
        weight_decay: float, default 1e-5. Keras' `L2` factor on the kernel
            (adds `weight_decay * sum(kernel**2)`; the reference's TF1
            convention, without the 1/2, is `REFERENCE_WEIGHT_DECAY`).
        kernel_initializer: str, default `"reference"`: truncated normal with
            std 0.01, the reference code's. Or any Keras initializer name, e.g.
            `"he_normal"` or `"glorot_uniform"`.
        batch_norm_momentum: float in [0, 1), default 0.99 (reference code).

    Call arguments:
        inputs: `(batch, height, width, channels)`.
        training: bool, batch norm mode.

    Returns:
        `(batch, height / strides, width / strides, filters)`.
    """

    def __init__(
        self,
        filters,
        kernel_size=3,
        strides=1,
        weight_decay=WEIGHT_DECAY,
        kernel_initializer=KERNEL_INITIALIZER,
        batch_norm_momentum=BATCH_NORM_MOMENTUM,
        **kwargs,
    ):
        super().__init__(**kwargs)
        validate_kernel_initializer(kernel_initializer)
        validate_batch_norm_momentum(batch_norm_momentum)
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.weight_decay = weight_decay
        self.kernel_initializer = kernel_initializer
        self.batch_norm_momentum = float(batch_norm_momentum)
        self.conv = keras.layers.Conv2D(
            filters,
            kernel_size,
            strides=strides,
            padding="same",
            dtype=self.dtype_policy,
            name="conv",
            **conv_kernel_kwargs(weight_decay, kernel_initializer),
        )
        self.norm = keras.layers.BatchNormalization(
            momentum=batch_norm_momentum,
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
                "kernel_initializer": self.kernel_initializer,
                "batch_norm_momentum": self.batch_norm_momentum,
            }
        )
        return config
