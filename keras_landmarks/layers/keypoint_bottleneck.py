"""The geometry bottleneck: heatmaps -> points -> Gaussian maps (paper section 3.1)."""

import keras

from keras_landmarks.integers import is_integer
from keras_landmarks.layers.heatmaps_to_keypoints import HeatmapsToKeypoints
from keras_landmarks.layers.keypoints_to_heatmaps import DEFAULT_STD
from keras_landmarks.layers.keypoints_to_heatmaps import KeypointsToHeatmaps


@keras.saving.register_keras_serializable(package="keras_landmarks")
class KeypointBottleneck(keras.layers.Layer):
    """Squeezes K heatmaps through K 2-D points and re-renders them.

    Only the K points pass, so only geometry reaches the generator. The maps are
    rendered at the heatmaps' own resolution unless `output_size` is given.

    Args:
        std: float, default 0.1. Gaussian width, see `KeypointsToHeatmaps`.
        output_size: optional `(height, width)` of the rendered maps; default
            the input heatmaps' size.

    Call arguments:
        heatmaps: `(batch, height, width, K)` raw logits.

    Returns:
        Tuple `(keypoints, maps)`: `(batch, K, 2)` points in (x, y) order in
        [-1, 1] and `(batch, out_height, out_width, K)` Gaussian maps.

    Example:

    >>> keypoints, maps = KeypointBottleneck()(np.zeros((2, 16, 16, 10)))
    >>> keypoints.shape, maps.shape
    ((2, 10, 2), (2, 16, 16, 10))
    """

    def __init__(self, std=DEFAULT_STD, output_size=None, **kwargs):
        super().__init__(**kwargs)
        if output_size is not None:
            if len(output_size) != 2 or any(
                not is_integer(s) or s < 1 for s in output_size
            ):
                raise ValueError(
                    "`output_size` must be None or two positive ints "
                    f"(height, width). Received: output_size={output_size!r}"
                )
            output_size = tuple(int(s) for s in output_size)
        self.std = std
        self.output_size = output_size
        self.to_keypoints = HeatmapsToKeypoints(dtype=self.dtype_policy)
        self.to_heatmaps = None

    def build(self, input_shape):
        self.to_keypoints.build(input_shape)
        height, width = self.output_size or input_shape[1:3]
        if height is None or width is None:
            raise ValueError(
                "KeypointBottleneck needs static heatmap height and width, or "
                f"`output_size`. Received: input_shape={tuple(input_shape)}"
            )
        self.to_heatmaps = KeypointsToHeatmaps(
            int(height), int(width), std=self.std, dtype=self.dtype_policy
        )
        self.to_heatmaps.build((input_shape[0], input_shape[3], 2))
        self.built = True

    def call(self, heatmaps):
        keypoints = self.to_keypoints(heatmaps)
        return keypoints, self.to_heatmaps(keypoints)

    def compute_output_shape(self, input_shape):
        batch, height, width, k = input_shape
        height, width = self.output_size or (height, width)
        return (batch, k, 2), (batch, height, width, k)

    def compute_output_spec(self, heatmaps):
        kp_shape, map_shape = self.compute_output_shape(heatmaps.shape)
        return (
            keras.KerasTensor(kp_shape, dtype="float32"),
            keras.KerasTensor(map_shape, dtype="float32"),
        )

    def get_config(self):
        config = super().get_config()
        config.update({"std": self.std, "output_size": self.output_size})
        return config
