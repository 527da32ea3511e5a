"""Equivariance of the keypoints under the known warp between source and target.

Not in the paper's objective: the paper calls such cues orthogonal to its method
and addable (section 2; Thewlis et al. 2017 learn landmarks from this term
alone). With thin-plate-spline pairs the warp is known: the source is the target
sampled at `source_grid`, so a keypoint found at `p` in the source should be
found at `source_grid(p)` in the target.
"""

import keras
from keras import ops


def sample_grid_at_points(grid, points):
    """Bilinear interpolation of a sampling grid at arbitrary points.

    Args:
        grid: `(batch, height, width, 2)`, `grid[b, j, i]` the (x, y) point in
            [-1, 1] that output pixel `(j, i)` samples (align_corners=True: -1
            and +1 are the first and last pixel centres).
        points: `(batch, K, 2)` (x, y) in [-1, 1], same convention.

    Returns:
        `(batch, K, 2)`: the grid's (x, y) at each point; differentiable with
        respect to `points`. Points outside the image take the border values.

    Example:

    >>> identity = ... # grid[b, j, i] = (x_i, y_j)
    >>> sample_grid_at_points(identity, points)  # == points
    """
    grid = ops.cast(grid, "float32")
    points = ops.cast(points, "float32")
    height, width = grid.shape[1], grid.shape[2]
    x = ops.clip((points[..., 0] + 1.0) * 0.5 * (width - 1), 0.0, width - 1.0)
    y = ops.clip((points[..., 1] + 1.0) * 0.5 * (height - 1), 0.0, height - 1.0)
    # The lower neighbour stays one below the last index, so the upper exists.
    x0 = ops.minimum(ops.floor(x), width - 2.0)
    y0 = ops.minimum(ops.floor(y), height - 2.0)
    wx = ops.expand_dims(x - x0, -1)
    wy = ops.expand_dims(y - y0, -1)
    x0 = ops.cast(x0, "int32")
    y0 = ops.cast(y0, "int32")
    flat = ops.reshape(grid, (-1, height * width, 2))

    def corner(dy, dx):
        index = (y0 + dy) * width + (x0 + dx)
        index = ops.repeat(ops.expand_dims(index, -1), 2, axis=-1)
        return ops.take_along_axis(flat, index, axis=1)

    top = corner(0, 0) * (1.0 - wx) + corner(0, 1) * wx
    bottom = corner(1, 0) * (1.0 - wx) + corner(1, 1) * wx
    return top * (1.0 - wy) + bottom * wy


def heatmap_to_image_scale(image_size, heatmap_size):
    """Per-axis factor from heatmap [-1, 1] coordinates to image [-1, 1] ones.

    The keypoints' -1 and +1 are the centres of the first and last heatmap
    cells; cell `j` of a map downsampled by `f` is centred on image pixel
    `(j + 0.5) f - 0.5`, so image coordinate = heatmap coordinate
    `* (size - f) / (size - 1)` (0.936 for 12 cells on 48 pixels).

    Args:
        image_size, heatmap_size: `(height, width)` pairs.

    Returns:
        `(scale_x, scale_y)` floats.
    """
    scales = []
    for size, cells in zip(image_size[::-1], heatmap_size[::-1], strict=True):
        factor = size / cells
        scales.append((size - factor) / (size - 1))
    return tuple(scales)


@keras.saving.register_keras_serializable(package="keras_landmarks")
class EquivarianceLoss(keras.layers.Layer):
    """Mean squared distance between target keypoints and warped source keypoints.

    `loss = mean_{b,k} |G_b(s * p) - s * t|^2` with `p` the source
    keypoints, `t` the target keypoints (both heatmap [-1, 1] coordinates),
    `s` the heatmap-to-image scale (`heatmap_to_image_scale`) and `G_b` the
    sampling grid that made the source from the target. Units: squared
    fractions of half the image size (a 1-pixel error on a 48-pixel image is
    about `(2/47)^2 = 1.8e-3`).

    Args:
        image_size: `(height, width)` of the images.
        heatmap_size: `(height, width)` of the detector's maps.

    Call arguments:
        source_keypoints, target_keypoints: `(batch, K, 2)` (x, y) in [-1, 1].
        source_grid: `(batch, H, W, 2)`, as `tps_pairs(..., return_grid=True)`
            gives it.

    Returns:
        A float32 scalar.
    """

    def __init__(self, image_size, heatmap_size, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.image_size = tuple(int(s) for s in image_size)
        self.heatmap_size = tuple(int(s) for s in heatmap_size)
        for name, value in (
            ("image_size", self.image_size),
            ("heatmap_size", self.heatmap_size),
        ):
            if len(value) != 2 or min(value) < 2:
                raise ValueError(
                    f"`{name}` must be (height, width), each at least 2. "
                    f"Received: {name}={value}"
                )
        self.scale = heatmap_to_image_scale(self.image_size, self.heatmap_size)

    def call(self, source_keypoints, target_keypoints, source_grid):
        scale = ops.convert_to_tensor(self.scale, "float32")
        source = ops.cast(source_keypoints, "float32") * scale
        target = ops.cast(target_keypoints, "float32") * scale
        mapped = sample_grid_at_points(source_grid, source)
        return ops.mean(ops.sum(ops.square(mapped - target), axis=-1))

    def compute_output_shape(self, *args, **kwargs):
        return ()

    def get_config(self):
        config = super().get_config()
        config.update(
            {"image_size": self.image_size, "heatmap_size": self.heatmap_size}
        )
        return config
