"""Source/target pairs from still images by random thin-plate-spline warps.

IMM-NOTES, "Thin-plate-spline pairs": the target is a mild warp `g1` of the
image, the source is a stronger warp `g2` of the target, and the loss mask is
`smooth_mask` warped with `g1`. Pure TensorFlow ops with stateless random
numbers keyed by `(seed, element index)`, so pipelines are deterministic and
run in parallel; no `py_function`, no other framework.
"""

import tensorflow as tf

from keras_landmarks.data.ops.bilinear_sampler import bilinear_sample
from keras_landmarks.data.ops.image_geometry import image_size_pair
from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.random_seeds import split_seed
from keras_landmarks.data.ops.smooth_mask import default_mask_geometry
from keras_landmarks.data.ops.smooth_mask import smooth_mask
from keras_landmarks.data.ops.thin_plate_spline import CONTROL_GRID_SIZE
from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.ops.thin_plate_spline import TARGET_WARP
from keras_landmarks.data.ops.thin_plate_spline import sample_tps_parameters
from keras_landmarks.data.ops.thin_plate_spline import tps_design_matrix
from keras_landmarks.data.ops.thin_plate_spline import tps_grid

# Our choice: images shuffled with this buffer before `endless_tps_pairs` warps them.
SHUFFLE_BUFFER = 1000


def make_tps_pair(
    image,
    seed,
    target_warp=TARGET_WARP,
    source_warp=SOURCE_WARP,
    mask=None,
    design_matrix=None,
    return_grid=False,
    padding="zeros",
):
    """Makes one {"source", "target", "mask"} pair from one image.

    Args:
        image: float tensor `(height, width, 3)`, RGB in [0, 255]; height and
            width must be known statically.
        seed: `(2,)` int tensor, a stateless seed (see `element_seed`).
        target_warp: `TpsWarpStrength`, default `TARGET_WARP` (reference g1).
        source_warp: `TpsWarpStrength`, default `SOURCE_WARP` (reference g2).
        mask: optional `(height, width)` border mask; defaults to
            `smooth_mask` with the reference geometry scaled to the image.
        design_matrix: optional precomputed `tps_design_matrix(height, width)`.
        return_grid: bool, default False. Also return "source_grid", float32
            `(height, width, 2)`: the (x, y) point in [-1, 1] of the target that
            each source pixel shows (what `EquivarianceLoss` needs).
        padding: `"zeros"` (default, the reference's) or `"border"`, what both
            warps show outside the image (`bilinear_sample`).

    Returns:
        dict with "source" and "target" float32 `(height, width, 3)` and
        "mask" float32 `(height, width, 1)` in [0, 1] (and "source_grid").

    Example:

    >>> pair = make_tps_pair(tf.zeros((64, 64, 3)), tf.constant([0, 0]))
    >>> pair["mask"].shape
    TensorShape([64, 64, 1])
    """
    image = tf.cast(image, tf.float32)
    height, width = image.shape[0], image.shape[1]
    if height is None or width is None or image.shape.rank != 3:
        raise ValueError(
            "`image` must have a static shape (height, width, channels); resize "
            f"it first. Received: shape={image.shape}"
        )
    if mask is None:
        margin, ramp = default_mask_geometry(min(height, width))
        mask = smooth_mask((height, width), margin, ramp)
    if design_matrix is None:
        design_matrix = tps_design_matrix(height, width, CONTROL_GRID_SIZE)
    target_seed, source_seed = split_seed(seed, 2)
    target_grid = tps_grid(
        sample_tps_parameters(target_seed, target_warp), height, width, design_matrix
    )
    source_grid = tps_grid(
        sample_tps_parameters(source_seed, source_warp), height, width, design_matrix
    )
    target = bilinear_sample(image, target_grid, padding)
    warped_mask = bilinear_sample(
        tf.convert_to_tensor(mask, tf.float32)[..., None], target_grid
    )
    source = bilinear_sample(target, source_grid, padding)
    pair = {"source": source, "target": target, "mask": warped_mask}
    if return_grid:
        pair["source_grid"] = source_grid
    return pair


def tps_pairs(
    images,
    seed=0,
    target_warp=TARGET_WARP,
    source_warp=SOURCE_WARP,
    image_size=None,
    mask_margin=None,
    mask_ramp=None,
    num_parallel_calls=tf.data.AUTOTUNE,
    return_grid=False,
    padding="zeros",
):
    """Turns a dataset of images into a dataset of thin-plate-spline pairs.

    Element `i` is warped with the seed `(seed, i)`: the same seed gives the
    same pairs, different seeds differ. Repeat the image dataset *before*
    calling this (`tps_pairs(images.repeat(), ...)`) to get fresh warps every
    epoch.

    Args:
        images: `tf.data.Dataset` of float `(height, width, 3)` RGB images in
            [0, 255], or of dicts with an "image" entry (other entries, e.g.
            landmarks, are dropped: the warp moves them).
        seed: int, default 0.
        target_warp: `TpsWarpStrength`, default `TARGET_WARP` (reference g1).
        source_warp: `TpsWarpStrength`, default `SOURCE_WARP` (reference g2).
        image_size: optional int or `(height, width)`; images are resized
            (bilinear) to it first. Required when the image size is not static.
        mask_margin, mask_ramp: optional ints for `smooth_mask`; default the
            reference's 10 and 20 pixels scaled from 128 px to the image size.
        num_parallel_calls: int, default `tf.data.AUTOTUNE`.
        return_grid: bool, default False. Also yield "source_grid" (see
            `make_tps_pair`), for `LandmarkModel(equivariance_weight=...)`.
        padding: `"zeros"` (default, the reference's) or `"border"`
            (`make_tps_pair`).

    Returns:
        `tf.data.Dataset` of dicts {"source", "target"}: float32
        `(height, width, 3)`, and {"mask"}: float32 `(height, width, 1)` (and
        {"source_grid"}: float32 `(height, width, 2)`).

    Example:

    >>> images = tf.data.Dataset.from_tensor_slices(tf.zeros((4, 64, 64, 3)))
    >>> pairs = tps_pairs(images, seed=1).batch(2)
    """
    check_seed(seed)
    if not isinstance(images, tf.data.Dataset):
        raise ValueError(f"`images` must be a tf.data.Dataset. Received: {images!r}")
    spec = images.element_spec
    if isinstance(spec, dict):
        if "image" not in spec:
            raise ValueError(
                "Dict elements must have an 'image' entry. "
                f"Received keys: {sorted(spec)}"
            )
        images = images.map(lambda element: element["image"])
        spec = images.element_spec
    image_size = image_size_pair(image_size)
    if image_size is not None:
        images = images.map(
            lambda image: tf.image.resize(image, image_size),
            num_parallel_calls=num_parallel_calls,
        )
        spec = images.element_spec
    height, width = spec.shape[0], spec.shape[1]
    if spec.shape.rank != 3 or height is None or width is None:
        raise ValueError(
            "Images must have a static (height, width, channels) shape; pass "
            f"`image_size`. Received: element shape {spec.shape}"
        )
    margin, ramp = default_mask_geometry(min(height, width))
    mask = smooth_mask(
        (height, width),
        margin if mask_margin is None else mask_margin,
        ramp if mask_ramp is None else mask_ramp,
    )
    design_matrix = tps_design_matrix(height, width, CONTROL_GRID_SIZE)

    def to_pair(index, image):
        return make_tps_pair(
            image,
            element_seed(seed, index),
            target_warp,
            source_warp,
            mask,
            design_matrix,
            return_grid,
            padding,
        )

    return images.enumerate().map(
        to_pair, num_parallel_calls=num_parallel_calls, deterministic=True
    )


def endless_tps_pairs(dataset, seed=0):
    """Endless thin-plate-spline pairs of a labelled dataset's shuffled images.

    Args:
        dataset: `tf.data.Dataset` of dicts with an "image" entry (a dataset
            reader's, e.g. `celeba_mafl`), finite.
        seed: int, default 0. Seeds the shuffle and the warps.

    Returns:
        `tps_pairs` of the images, shuffled (buffer `SHUFFLE_BUFFER`) and
        repeated forever: fresh warps every pass.
    """
    images = dataset.map(lambda element: element["image"])
    return tps_pairs(images.shuffle(SHUFFLE_BUFFER, seed=seed).repeat(), seed=seed)
