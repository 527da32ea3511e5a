"""The landmark detector: encoder + 1x1 conv to K raw heatmaps (paper section 4)."""

import keras

from keras_landmarks.integers import is_integer
from keras_landmarks.models.conv_block import BATCH_NORM_MOMENTUM
from keras_landmarks.models.conv_block import KERNEL_INITIALIZER
from keras_landmarks.models.conv_block import WEIGHT_DECAY
from keras_landmarks.models.conv_block import conv_kernel_kwargs
from keras_landmarks.models.conv_block import validate_batch_norm_momentum
from keras_landmarks.models.conv_block import validate_kernel_initializer
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_FILTERS
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_STRIDES
from keras_landmarks.models.conv_encoder import ConvEncoder


def validate_num_keypoints(num_keypoints):
    if not is_integer(num_keypoints) or num_keypoints < 1:
        raise ValueError(
            "`num_keypoints` (K) must be an int >= 1. "
            f"Received: num_keypoints={num_keypoints!r}"
        )
    return int(num_keypoints)


@keras.saving.register_keras_serializable(package="keras_landmarks")
class LandmarkDetector(keras.layers.Layer):
    """Maps an image to K raw heatmaps, one per landmark.

    The reference detector: `ConvEncoder` (8 conv+BN+ReLU) then a 1x1 conv
    with bias and no normalisation or activation, so the heatmaps are logits at
    1/8 of the input resolution. `HeatmapsToKeypoints` turns them into points.

    Args:
        num_keypoints: int, K.
        filters: sequence of ints, encoder channels (default the reference's).
        strides: sequence of 1 or 2, encoder strides (default the reference's).
        weight_decay: float, default 1e-5.
        kernel_initializer: str, default `"reference"` (truncated normal, std
            0.01, the reference code's) or a Keras initializer name such as
            `"he_normal"`; for every conv, the 1x1 head included.
        batch_norm_momentum: float in [0, 1), default 0.99 (reference code).

    Call arguments:
        images: `(batch, height, width, 3)`, RGB in [0, 255].
        training: bool.

    Returns:
        `(batch, height / f, width / f, K)` raw heatmaps, `f = downsampling`.

    Example:

    >>> detector = LandmarkDetector(10)
    >>> detector(np.zeros((1, 128, 128, 3))).shape
    (1, 16, 16, 10)
    """

    def __init__(
        self,
        num_keypoints,
        filters=REFERENCE_ENCODER_FILTERS,
        strides=REFERENCE_ENCODER_STRIDES,
        weight_decay=WEIGHT_DECAY,
        kernel_initializer=KERNEL_INITIALIZER,
        batch_norm_momentum=BATCH_NORM_MOMENTUM,
        **kwargs,
    ):
        super().__init__(**kwargs)
        num_keypoints = validate_num_keypoints(num_keypoints)
        validate_kernel_initializer(kernel_initializer)
        validate_batch_norm_momentum(batch_norm_momentum)
        self.num_keypoints = num_keypoints
        self.weight_decay = weight_decay
        self.kernel_initializer = kernel_initializer
        self.batch_norm_momentum = float(batch_norm_momentum)
        self.encoder = ConvEncoder(
            filters,
            strides,
            weight_decay,
            kernel_initializer=kernel_initializer,
            batch_norm_momentum=batch_norm_momentum,
            dtype=self.dtype_policy,
            name="encoder",
        )
        self.filters, self.strides = self.encoder.filters, self.encoder.strides
        self.head = keras.layers.Conv2D(
            num_keypoints,
            1,
            dtype=self.dtype_policy,
            name="heatmaps",
            **conv_kernel_kwargs(weight_decay, kernel_initializer),
        )

    @property
    def downsampling(self):
        return self.encoder.downsampling

    def build(self, input_shape):
        self.encoder.build(input_shape)
        self.head.build(self.encoder.compute_output_shape(input_shape))
        self.built = True

    def call(self, images, training=None):
        return self.head(self.encoder(images, training=training))

    def compute_output_shape(self, input_shape):
        shape = self.encoder.compute_output_shape(input_shape)
        return (*shape[:3], self.num_keypoints)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_keypoints": self.num_keypoints,
                "filters": self.filters,
                "strides": self.strides,
                "weight_decay": self.weight_decay,
                "kernel_initializer": self.kernel_initializer,
                "batch_norm_momentum": self.batch_norm_momentum,
            }
        )
        return config
