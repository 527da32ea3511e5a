"""A known warp for pairs that have none: a thin-plate-spline copy of the target.

Video frame pairs carry no known warp between source and target, so the
equivariance term (`EquivarianceLoss`) cannot compare their keypoints. Our
addition (not in the paper or the reference code): each pair also gets
"warped_target", the target sampled at a random thin-plate-spline grid (the
reference's stronger warp g2, `SOURCE_WARP`), and that grid,
"warped_target_grid". A keypoint found at `p` in the warped copy should be
found at `warped_target_grid(p)` in the target, the relation a still-image
pair's "source" and "source_grid" have. Pure TensorFlow ops, stateless
random numbers keyed by `(seed, element index)`.
"""

import tensorflow as tf

from keras_landmarks.data.ops.bilinear_sampler import bilinear_sample
from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.random_seeds import split_seed
from keras_landmarks.data.ops.thin_plate_spline import CONTROL_GRID_SIZE
from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.ops.thin_plate_spline import sample_tps_parameters
from keras_landmarks.data.ops.thin_plate_spline import tps_design_matrix
from keras_landmarks.data.ops.thin_plate_spline import tps_grid

WARPED_TARGET = "warped_target"
WARPED_TARGET_GRID = "warped_target_grid"
# Split of each element's seed; the warp takes the last part, so it does not
# repeat a seed the pair itself drew (`frame_pairs` splits the same key in 2).
_SEED_PARTS = 4


def with_warped_target(pairs, seed=0, warp=SOURCE_WARP, padding="zeros"):
    """Adds a thin-plate-spline copy of each pair's target and its grid.

    Args:
        pairs: `tf.data.Dataset` of unbatched pair dicts with a "target"
            `(height, width, 3)` of static size (e.g. `frame_pairs`).
        seed: int, default 0. Element `i` is warped with the seed `(seed, i)`.
        warp: `TpsWarpStrength`, default `SOURCE_WARP` (the reference's g2).
        padding: `"zeros"` (default) or `"border"`: what the copy shows
            outside the image (`bilinear_sample`).

    Returns:
        The dataset with two more entries per pair: "warped_target" float32
        `(height, width, 3)` and "warped_target_grid" float32
        `(height, width, 2)`, the (x, y) point in [-1, 1] of the target that
        each pixel of the copy shows.

    Example:

    >>> pairs = frame_pairs(FrameArrays(frames), num_pairs=4)
    >>> sorted(next(iter(with_warped_target(pairs))))
    ['mask', 'source', 'target', 'warped_target', 'warped_target_grid']
    """
    check_seed(seed)
    if not isinstance(pairs, tf.data.Dataset):
        raise ValueError(f"`pairs` must be a tf.data.Dataset. Received: {pairs!r}")
    spec = pairs.element_spec
    if not isinstance(spec, dict) or "target" not in spec:
        raise ValueError(
            "Pairs must be dicts with a 'target' entry. Received: "
            f"{sorted(spec) if isinstance(spec, dict) else spec}"
        )
    shape = spec["target"].shape
    if shape.rank != 3 or shape[0] is None or shape[1] is None:
        raise ValueError(
            "Each target must be one image of static size (height, width, 3); "
            f"warp the pairs before batching them. Received: shape={shape}"
        )
    taken = sorted({WARPED_TARGET, WARPED_TARGET_GRID} & set(spec))
    if taken:
        raise ValueError(f"The pairs already hold {taken}.")
    height, width = shape[0], shape[1]
    design_matrix = tps_design_matrix(height, width, CONTROL_GRID_SIZE)

    def add_copy(index, pair):
        warp_seed = split_seed(element_seed(seed, index), _SEED_PARTS)[-1]
        grid = tps_grid(
            sample_tps_parameters(warp_seed, warp), height, width, design_matrix
        )
        target = tf.cast(pair["target"], tf.float32)
        return {
            **pair,
            WARPED_TARGET: bilinear_sample(target, grid, padding),
            WARPED_TARGET_GRID: grid,
        }

    return pairs.enumerate().map(
        add_copy, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
    )
