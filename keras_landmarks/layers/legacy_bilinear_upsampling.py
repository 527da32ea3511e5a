"""Bilinear upsampling as TF1's `resize_bilinear` sampled it (corner-aligned)."""

import keras

from keras_landmarks.integers import is_integer
from keras_landmarks.layers.legacy_bilinear_resize import legacy_bilinear_resize


@keras.saving.register_keras_serializable(package="keras_landmarks")
class LegacyBilinearUpsampling(keras.layers.Layer):
    """Upsamples by an integer factor with TF1's legacy bilinear sampling.

    The reference generator upsamples with TF1's
    `tf.image.resize_bilinear(align_corners=False)`, whose sampling predates
    half-pixel centres: output pixel `d` reads the input at `src = d * in / out`
    (here `d / factor`), so output pixel 0 copies input pixel 0 exactly and the
    last `factor - 1` outputs repeat the last input pixel (the upper neighbour is
    clamped to the border). Keras' `UpSampling2D(interpolation="bilinear")`
    samples at half-pixel centres, `src = (d + 0.5) / factor - 0.5`, which
    shifts the image by a quarter of an input pixel relative to this one at
    factor 2. With an integer factor `f`, output row `f * i + r` is
    `(1 - r / f) * x[i] + (r / f) * x[min(i + 1, n - 1)]`; columns the same.
    The layer form of `legacy_bilinear_resize`, which the loss mask uses too.

    Computed in the layer's compute dtype with `keras.ops` only.

    Args:
        factor: int >= 1, default 2. The same along height and width.

    Call arguments:
        inputs: `(batch, height, width, channels)`.

    Returns:
        `(batch, height * factor, width * factor, channels)`.

    Example:

    >>> layer = LegacyBilinearUpsampling(2)
    >>> layer(np.array([0.0, 2.0]).reshape(1, 1, 2, 1))[0, 0, :, 0]  # 0, 1, 2, 2
    >>> layer(np.zeros((1, 16, 16, 8))).shape
    (1, 32, 32, 8)
    """

    def __init__(self, factor=2, **kwargs):
        super().__init__(**kwargs)
        if not is_integer(factor) or factor < 1:
            raise ValueError(
                f"`factor` must be a positive int. Received: factor={factor!r}"
            )
        self.factor = int(factor)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                "Inputs must have shape (batch, height, width, channels). "
                f"Received: shape={tuple(input_shape)}"
            )
        self.built = True

    def call(self, inputs):
        height, width = inputs.shape[1], inputs.shape[2]
        return legacy_bilinear_resize(
            inputs, (height * self.factor, width * self.factor)
        )

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (
            batch,
            None if height is None else height * self.factor,
            None if width is None else width * self.factor,
            channels,
        )

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config
