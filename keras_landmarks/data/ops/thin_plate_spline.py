"""Random thin-plate-spline warps, parametrised as in the reference code.

IMM-NOTES, "Thin-plate-spline pairs": a 10 x 10 grid of control points on
[-1, 1]^2, the kernel `U(r^2) = r^2 log r^2`, and parameters `W` of shape
`(103, 2)` that are sampled directly (not solved from moved control points).
The sampling grid of an `H x W` image is `L @ W`, where row `(i, j)` of the
design matrix `L` is `[U(|p_ij - c_1|^2), ..., U(|p_ij - c_100|^2), 1, x_j, y_i]`
for the pixel centre `p_ij = (x_j, y_i)` on `linspace(-1, 1, n)`.

All functions are TensorFlow ops: they run eagerly and inside `tf.data.map`.
"""

import dataclasses
import math

import tensorflow as tf

from keras_landmarks.data.ops.random_seeds import split_seed
from keras_landmarks.integers import is_integer

# Reference code: 10 x 10 control points on [-1, 1]^2, x fastest.
CONTROL_GRID_SIZE = 10
# Reference code: squared distances are clipped here before r^2 log r^2.
MIN_SQUARED_DISTANCE = 1e-8


@dataclasses.dataclass(frozen=True)
class TpsWarpStrength:
    """How strong a random thin-plate-spline warp is.

    `W` rows 0..99 (RBF weights) are `warp_std[0] * N(0, 1) + warp_std[1] *
    Bernoulli(0.5) * N(0, 1)`, elementwise; row 100 (translation) is
    `translation_std * N(0, 1)`; rows 101..102 are `s * [[cos t, -sin t],
    [sin t, cos t]]` with `t = radians(rotation_std * N(0, 1))` and
    `s = 1 + scale_std * N(0, 1)`.

    Args:
        rotation_std: float, std of the rotation in degrees.
        scale_std: float, std of the relative scale change.
        translation_std: float, std of the translation in [-1, 1] units.
        warp_std: pair of floats, stds of the dense and of the sparse
            (Bernoulli-gated) part of the RBF weights.

    Example:

    >>> TpsWarpStrength(0.0, 0.0, 0.1, (0.001, 0.005)) == TARGET_WARP
    True
    """

    rotation_std: float
    scale_std: float
    translation_std: float
    warp_std: tuple

    def __post_init__(self):
        for name in ("rotation_std", "scale_std", "translation_std"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ValueError(f"`{name}` must be a number. Received: {value!r}")
            if value < 0:
                raise ValueError(f"`{name}` must be >= 0. Received: {name}={value!r}")
        warp_std = tuple(self.warp_std)
        if len(warp_std) != 2 or any(
            not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0
            for v in warp_std
        ):
            raise ValueError(
                "`warp_std` must be a pair of non-negative numbers. "
                f"Received: warp_std={self.warp_std!r}"
            )
        object.__setattr__(self, "warp_std", warp_std)


# Reference code: the target warp g1 (a mild warp of the input image).
TARGET_WARP = TpsWarpStrength(
    rotation_std=0.0, scale_std=0.0, translation_std=0.1, warp_std=(0.001, 0.005)
)
# Reference code: the source warp g2, applied to the target image.
SOURCE_WARP = TpsWarpStrength(
    rotation_std=5.0, scale_std=0.1, translation_std=0.1, warp_std=(0.001, 0.01)
)


def tps_control_points(grid_size=CONTROL_GRID_SIZE):
    """Control points on a `grid_size x grid_size` grid over [-1, 1]^2.

    Args:
        grid_size: int, default 10. Points per axis.

    Returns:
        float32 tensor `(grid_size**2, 2)` of (x, y) points, x fastest.
    """
    if not is_integer(grid_size) or grid_size < 2:
        raise ValueError(
            f"`grid_size` must be an int >= 2. Received: grid_size={grid_size!r}"
        )
    axis = tf.linspace(-1.0, 1.0, grid_size)
    y, x = tf.meshgrid(axis, axis, indexing="ij")
    return tf.reshape(tf.stack([x, y], axis=-1), (-1, 2))


def _check_size(height, width):
    for name, value in (("height", height), ("width", width)):
        if not is_integer(value) or value < 2:
            raise ValueError(
                f"`{name}` must be an int >= 2. Received: {name}={value!r}"
            )


def tps_design_matrix(height, width, grid_size=CONTROL_GRID_SIZE):
    """The thin-plate-spline design matrix `L` of an `height x width` grid.

    Args:
        height: int, rows of the sampling grid.
        width: int, columns of the sampling grid.
        grid_size: int, default 10. Control points per axis.

    Returns:
        float32 tensor `(height * width, grid_size**2 + 3)`, rows in row-major
        (y, x) order: `[U(d^2) to each control point, 1, x, y]` with
        `U(d^2) = d^2 log d^2` and `d^2` clipped at 1e-8.

    Example:

    >>> tps_design_matrix(32, 32).shape
    TensorShape([1024, 103])
    """
    _check_size(height, width)
    control = tps_control_points(grid_size)
    y, x = tf.meshgrid(
        tf.linspace(-1.0, 1.0, height), tf.linspace(-1.0, 1.0, width), indexing="ij"
    )
    points = tf.stack([tf.reshape(x, (-1,)), tf.reshape(y, (-1,))], axis=-1)
    squared = tf.reduce_sum(
        tf.square(points[:, None, :] - control[None, :, :]), axis=-1
    )
    squared = tf.maximum(squared, MIN_SQUARED_DISTANCE)
    kernel = squared * tf.math.log(squared)
    ones = tf.ones_like(points[:, :1])
    return tf.concat([kernel, ones, points], axis=-1)


def sample_tps_parameters(seed, strength, grid_size=CONTROL_GRID_SIZE):
    """Draws the parameters `W` of one random warp with stateless random ops.

    Args:
        seed: `(2,)` int32/int64 tensor, a `tf.random.stateless_*` seed.
        strength: `TpsWarpStrength`, e.g. `TARGET_WARP` or `SOURCE_WARP`.
        grid_size: int, default 10. Control points per axis.

    Returns:
        float32 tensor `(grid_size**2 + 3, 2)`: RBF weights, then the
        translation row, then the two rows of the linear part.

    Example:

    >>> w = sample_tps_parameters(tf.constant([0, 1]), TARGET_WARP)
    >>> w.shape
    TensorShape([103, 2])
    """
    if not isinstance(strength, TpsWarpStrength):
        raise ValueError(
            f"`strength` must be a TpsWarpStrength. Received: strength={strength!r}"
        )
    num_points = grid_size * grid_size
    dense_seed, gate_seed, sparse_seed, shift_seed, angle_seed, scale_seed = split_seed(
        seed, 6
    )
    shape = (num_points, 2)
    dense = tf.random.stateless_normal(shape, dense_seed)
    gate = tf.cast(tf.random.stateless_uniform(shape, gate_seed) < 0.5, tf.float32)
    sparse = tf.random.stateless_normal(shape, sparse_seed)
    rbf = strength.warp_std[0] * dense + strength.warp_std[1] * gate * sparse
    translation = strength.translation_std * tf.random.stateless_normal(
        (1, 2), shift_seed
    )
    angle = (
        (math.pi / 180.0)
        * strength.rotation_std
        * tf.random.stateless_normal((), angle_seed)
    )
    scale = 1.0 + strength.scale_std * tf.random.stateless_normal((), scale_seed)
    cos, sin = tf.cos(angle), tf.sin(angle)
    linear = scale * tf.stack([tf.stack([cos, -sin]), tf.stack([sin, cos])])
    return tf.concat([rbf, translation, linear], axis=0)


def tps_grid(parameters, height, width, design_matrix=None):
    """Turns warp parameters into a sampling grid for `bilinear_sample`.

    Output pixel `(i, j)` of the warped image is read from the input at
    `grid[i, j]`, an (x, y) point in [-1, 1] coordinates (align_corners=True:
    -1 and +1 are the centres of the first and last pixels).

    Args:
        parameters: float tensor `(P + 3, 2)` or `(batch, P + 3, 2)`, e.g. from
            `sample_tps_parameters`.
        height: int, rows of the grid.
        width: int, columns of the grid.
        design_matrix: optional precomputed `tps_design_matrix(height, width)`;
            pass it to avoid recomputing it for every element.

    Returns:
        float32 tensor `(height, width, 2)` or `(batch, height, width, 2)`,
        last axis (x, y).

    Example:

    >>> w = sample_tps_parameters(tf.constant([0, 1]), TARGET_WARP)
    >>> tps_grid(w, 32, 32).shape
    TensorShape([32, 32, 2])
    """
    _check_size(height, width)
    parameters = tf.convert_to_tensor(parameters)
    if parameters.shape.rank not in (2, 3) or parameters.shape[-1] != 2:
        raise ValueError(
            "`parameters` must have shape (P + 3, 2) or (batch, P + 3, 2). "
            f"Received: shape={parameters.shape}"
        )
    if design_matrix is None:
        grid_size = math.isqrt(int(parameters.shape[-2]) - 3)
        design_matrix = tps_design_matrix(height, width, grid_size)
    grid = tf.linalg.matmul(design_matrix, tf.cast(parameters, tf.float32))
    batch_shape = tf.shape(parameters)[:-2]
    return tf.reshape(grid, tf.concat([batch_shape, [height, width, 2]], axis=0))
