"""The fully connected bottleneck of the paper's Table 2 ablation."""

import keras
from keras import ops

from keras_landmarks.integers import is_integer


@keras.saving.register_keras_serializable(package="keras_landmarks")
class DenseBottleneck(keras.layers.Layer):
    """Replaces the keypoint bottleneck by a `code_size`-wide dense layer.

    The detector's raw heatmaps are flattened, mapped to a `code_size`-dim code
    by a dense layer, and the code is mapped by a second dense layer to the
    generator's input maps `(height, width, channels)`. The code carries no
    explicit geometry; the evaluation regresses landmarks from it linearly.

    Args:
        code_size: int, the bottleneck width d (the paper tries 10, 20, 60).
        output_size: `(height, width)` of the maps handed to the generator.
        channels: int, channels of those maps.

    Call arguments:
        heatmaps: `(batch, h, w, K)` raw detector logits (h, w, K static).

    Returns:
        Tuple `(code, maps)`: `(batch, code_size)` and
        `(batch, height, width, channels)`.

    Example:

    >>> code, maps = DenseBottleneck(20, (16, 16), 10)(np.zeros((2, 16, 16, 10)))
    >>> code.shape, maps.shape
    ((2, 20), (2, 16, 16, 10))
    """

    def __init__(self, code_size, output_size, channels, **kwargs):
        super().__init__(**kwargs)
        if not is_integer(code_size) or code_size < 1:
            raise ValueError(
                f"`code_size` must be a positive int. Received: code_size={code_size!r}"
            )
        if len(output_size) != 2 or any(
            not is_integer(s) or s < 1 for s in output_size
        ):
            raise ValueError(
                "`output_size` must be two positive ints (height, width). "
                f"Received: output_size={output_size!r}"
            )
        if not is_integer(channels) or channels < 1:
            raise ValueError(
                f"`channels` must be a positive int. Received: channels={channels!r}"
            )
        self.code_size = int(code_size)
        self.output_size = tuple(int(s) for s in output_size)
        self.channels = int(channels)
        height, width = self.output_size
        self.to_code = keras.layers.Dense(
            code_size, dtype=self.dtype_policy, name="to_code"
        )
        self.to_maps = keras.layers.Dense(
            height * width * channels, dtype=self.dtype_policy, name="to_maps"
        )

    def build(self, input_shape):
        if len(input_shape) != 4 or any(s is None for s in input_shape[1:]):
            raise ValueError(
                "DenseBottleneck needs heatmaps (batch, h, w, K) with static h, w, "
                f"K. Received: input_shape={tuple(input_shape)}"
            )
        flat = int(input_shape[1] * input_shape[2] * input_shape[3])
        self.to_code.build((input_shape[0], flat))
        self.to_maps.build((input_shape[0], self.code_size))
        self.built = True

    def to_keypoints(self, heatmaps):
        """The code `(batch, code_size)`: what this bottleneck lets through."""
        flat = ops.reshape(heatmaps, (ops.shape(heatmaps)[0], -1))
        return self.to_code(flat)

    def call(self, heatmaps):
        code = self.to_keypoints(heatmaps)
        maps = ops.reshape(self.to_maps(code), (-1, *self.output_size, self.channels))
        return code, maps

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        return (batch, self.code_size), (batch, *self.output_size, self.channels)

    def compute_output_spec(self, heatmaps):
        code_shape, map_shape = self.compute_output_shape(heatmaps.shape)
        return (
            keras.KerasTensor(code_shape, dtype=self.compute_dtype),
            keras.KerasTensor(map_shape, dtype=self.compute_dtype),
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "code_size": self.code_size,
                "output_size": self.output_size,
                "channels": self.channels,
            }
        )
        return config
