"""Renders 2-D keypoints as Gaussian maps (paper section 3.1, eq. 2)."""

import keras
from keras import ops

from keras_landmarks.integers import is_integer

# Reference code: exp(-d^2 / std^2) with std = 0.1, i.e. exp(-100 d^2).
DEFAULT_STD = 0.1


@keras.saving.register_keras_serializable(package="keras_landmarks")
class KeypointsToHeatmaps(keras.layers.Layer):
    """Draws one isotropic Gaussian per keypoint on a `height x width` grid.

    `G(i, j) = exp(-((y_i - mu_y)^2 + (x_j - mu_x)^2) / std^2)` with the cell
    centres at `linspace(-1, 1, n)` along each axis, as in
    `HeatmapsToKeypoints`. The peak is 1 and the map is not normalised. This is
    the reference code's form; the paper writes `exp(-d^2 / (2 sigma^2))`, which
    is the same map with `std = sqrt(2) * sigma`. Points outside [-1, 1] are
    allowed and render the tail of their Gaussian.

    Computed in float32 whatever the dtype policy.

    Args:
        height: int, rows of the output maps.
        width: int, columns of the output maps.
        std: float, default 0.1. Width of the Gaussian in [-1, 1] units.

    Call arguments:
        keypoints: `(batch, K, 2)` points in (x, y) order.

    Returns:
        `(batch, height, width, K)` maps.

    Example:

    >>> layer = KeypointsToHeatmaps(16, 16)
    >>> layer(np.zeros((2, 10, 2))).shape
    (2, 16, 16, 10)
    """

    def __init__(self, height, width, std=DEFAULT_STD, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("height", height), ("width", width)):
            if not is_integer(value) or value < 1:
                raise ValueError(
                    f"`{name}` must be a positive int. Received: {name}={value!r}"
                )
        if not isinstance(std, (int, float)) or isinstance(std, bool) or std <= 0:
            raise ValueError(f"`std` must be a positive number. Received: std={std!r}")
        self.height = int(height)
        self.width = int(width)
        self.std = float(std)

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] != 2:
            raise ValueError(
                "Keypoints must have shape (batch, K, 2). "
                f"Received: shape={tuple(input_shape)}"
            )
        self.built = True

    def call(self, keypoints):
        keypoints = ops.cast(keypoints, "float32")
        mu_x = keypoints[:, None, None, :, 0]  # (B, 1, 1, K)
        mu_y = keypoints[:, None, None, :, 1]
        y = ops.linspace(-1.0, 1.0, self.height)[None, :, None, None]
        x = ops.linspace(-1.0, 1.0, self.width)[None, None, :, None]
        squared_distance = ops.square(y - mu_y) + ops.square(x - mu_x)
        return ops.exp(-squared_distance / (self.std**2))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[1])

    def compute_output_spec(self, keypoints):
        return keras.KerasTensor(
            self.compute_output_shape(keypoints.shape), dtype="float32"
        )

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "std": self.std})
        return config
