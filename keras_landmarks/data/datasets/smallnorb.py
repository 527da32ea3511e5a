"""SmallNORB: pairs of neighbouring viewpoints of one toy instance.

Where to get it (the code never downloads):
https://cs.nyu.edu/~ylclab/data/norb-v1.0-small/ — unpack (gunzip) the six
files into `root`::

    root/smallnorb-5x46789x9x18x6x2x96x96-training-dat.mat   (24300, 2, 96, 96) uint8
    root/smallnorb-5x46789x9x18x6x2x96x96-training-cat.mat   (24300,) int32
    root/smallnorb-5x46789x9x18x6x2x96x96-training-info.mat  (24300, 4) int32
    root/smallnorb-5x01235x9x18x6x2x96x96-testing-{dat,cat,info}.mat

The `.mat` files are not MATLAB files but the NORB binary matrix format:
little-endian int32 magic, int32 rank, max(3, rank) int32 dimensions, data.
`info` columns: instance, elevation (0..8), azimuth (0, 2, ..., 34, in steps
of 10 degrees), lighting (0..5). Images are taken from the left camera.

A pair is an image and one of its viewpoint neighbours: same category,
instance and lighting, with the elevation one step away (same azimuth) or the
azimuth one step away (same elevation, wrapping around). `smallnorb_viewpoints`
gives a sweep of such neighbours of one object, for pictures.
"""

from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import full_image_box
from keras_landmarks.data.ops.image_geometry import image_size_pair
from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.random_seeds import split_seed

# NORB binary format magic numbers (LeCun et al. 2004 file format).
_MAGIC_DTYPES = {0x1E3D4C55: np.uint8, 0x1E3D4C54: np.int32}
_FILES = {
    "train": "smallnorb-5x46789x9x18x6x2x96x96-training-{}.mat",
    "test": "smallnorb-5x01235x9x18x6x2x96x96-testing-{}.mat",
}
CATEGORIES = ("animal", "human", "airplane", "truck", "car")
NUM_AZIMUTHS = 18  # stored as 0, 2, ..., 34
AZIMUTH_UNIT_DEGREES = 10  # a stored azimuth of 2 is 20 degrees
NUM_ELEVATIONS = 9


def read_norb_file(path):
    """Reads one NORB binary matrix file into a numpy array.

    Raises:
        ValueError: the file is missing or not a NORB uint8/int32 matrix.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"Expected the SmallNORB file {path}; not found.")
    with open(path, "rb") as f:
        magic, rank = np.frombuffer(f.read(8), "<i4")
        if int(magic) & 0xFFFFFFFF not in _MAGIC_DTYPES or not 0 < rank < 10:
            raise ValueError(
                f"{path} is not a NORB binary matrix (magic {int(magic):#x})."
            )
        dims = np.frombuffer(f.read(4 * max(3, int(rank))), "<i4")[:rank]
        dtype = np.dtype(_MAGIC_DTYPES[int(magic) & 0xFFFFFFFF]).newbyteorder("<")
        data = np.frombuffer(f.read(), dtype)
    if data.size != int(np.prod(dims)):
        raise ValueError(
            f"{path} holds {data.size} values but its header says {tuple(dims)}."
        )
    return data.reshape(tuple(int(d) for d in dims))


def viewpoint_neighbours(info, categories):
    """For each image, the indices of its up to 4 viewpoint neighbours.

    Args:
        info: int array `(N, 4)`: instance, elevation, azimuth, lighting.
        categories: int array `(N,)`.

    Returns:
        int64 array `(N, 4)`, -1 where a neighbour does not exist.
    """
    key_to_row = {
        (c, i, e, a // 2, lt): row
        for row, (c, (i, e, a, lt)) in enumerate(zip(categories, info, strict=True))
    }
    table = np.full((len(info), 4), -1, np.int64)
    for row, (c, (i, e, a, lt)) in enumerate(zip(categories, info, strict=True)):
        step = a // 2
        for k, (de, da) in enumerate(((-1, 0), (1, 0), (0, -1), (0, 1))):
            key = (c, i, e + de, (step + da) % NUM_AZIMUTHS, lt)
            table[row, k] = key_to_row.get(key, -1)
    return table


def smallnorb_pairs(
    root,
    split="train",
    category=None,
    image_size=None,
    seed=0,
    num_pairs=None,
    num_parallel_calls=tf.data.AUTOTUNE,
):
    """Pairs of neighbouring viewpoints from the official SmallNORB files.

    Pair `i` takes image `i % num_images` of the split (left camera) as the
    source and one of its viewpoint neighbours, drawn with the seed
    `(seed, i)`, as the target. The paper trains one model per category.

    Args:
        root: str or path-like, the folder with the unpacked files.
        split: "train" or "test".
        category: optional int 0..4 or name in `CATEGORIES`; all when None.
        image_size: optional int or `(height, width)`; default 96 (native).
        seed: int, default 0.
        num_pairs: optional int; default one pair per image.
        num_parallel_calls: int, default `tf.data.AUTOTUNE`.

    Returns:
        `tf.data.Dataset` of {"source", "target": float32 `(h, w, 3)` (grey
        repeated to RGB) in [0, 255], "mask": ones `(h, w, 1)`}.
    """
    check_seed(seed)
    left, categories, info = _read_split(root, split, category)
    neighbours = viewpoint_neighbours(info, categories)
    has_neighbour = (neighbours >= 0).any(axis=1)
    size = image_size_pair(image_size) or left.shape[1:3]
    num_images = int(has_neighbour.sum())
    anchors = np.flatnonzero(has_neighbour)
    num_pairs = num_images if num_pairs is None else int(num_pairs)
    left_t = tf.constant(left)
    anchors_t = tf.constant(anchors)
    neighbours_t = tf.constant(neighbours)

    def load(row):
        return _to_rgb(tf.gather(left_t, row), size)

    def to_pair(index):
        anchor = tf.gather(anchors_t, index % num_images)
        options = tf.gather(neighbours_t, anchor)
        valid = tf.boolean_mask(options, options >= 0)
        _, choice_seed = split_seed(element_seed(seed, index), 2)
        pick = tf.random.stateless_uniform(
            (), choice_seed, maxval=tf.shape(valid, tf.int64)[0], dtype=tf.int64
        )
        return {
            "source": load(anchor),
            "target": load(tf.gather(valid, pick)),
            "mask": tf.ones((size[0], size[1], 1), tf.float32),
        }

    return tf.data.Dataset.range(num_pairs).map(
        to_pair, num_parallel_calls=num_parallel_calls, deterministic=True
    )


def smallnorb_viewpoints(root, split="test", category=None, image_size=None, views=6):
    """An azimuth sweep of one object: neighbouring viewpoints, for pictures.

    The first image of the split (of `category`) fixes the instance, the
    elevation and the lighting; the sweep is its azimuth and the next ones,
    one step (20 degrees) apart and wrapping around, up to `views` images or
    the first azimuth the files lack.

    Args:
        root, split, category, image_size: as in `smallnorb_pairs`.
        views: int >= 2, default 6. Images in the sweep, at most.

    Returns:
        `(images, azimuths)`: float32 `(V, h, w, 3)` in [0, 255] (grey
        repeated to RGB) and int `(V,)` azimuths in degrees.

    Raises:
        ValueError: `views` < 2, or the first image has no azimuth neighbour.
    """
    if not isinstance(views, (int, np.integer)) or views < 2:
        raise ValueError(f"`views` must be an int >= 2. Received: views={views!r}")
    left, categories, info = _read_split(root, split, category)
    instance, elevation, azimuth, lighting = info[0]
    same_object = (
        (categories == categories[0])
        & (info[:, 0] == instance)
        & (info[:, 1] == elevation)
        & (info[:, 3] == lighting)
    )
    row_of_step = {info[row, 2] // 2: row for row in np.flatnonzero(same_object)}
    rows = []
    for k in range(min(views, NUM_AZIMUTHS)):
        step = (azimuth // 2 + k) % NUM_AZIMUTHS
        if step not in row_of_step:
            break
        rows.append(row_of_step[step])
    if len(rows) < 2:
        raise ValueError(
            f"The first {split} image in {root} has no azimuth neighbour "
            f"(instance {instance}, elevation {elevation}, lighting {lighting})."
        )
    size = image_size_pair(image_size) or left.shape[1:3]
    images = np.stack([_to_rgb(left[row], size).numpy() for row in rows])
    azimuths = AZIMUTH_UNIT_DEGREES * info[rows, 2]
    return images, azimuths


def _read_split(root, split, category):
    """`(left images (N, H, W) uint8, categories (N,), info (N, 4))` of a split,
    only `category` (index or name) when not None."""
    if split not in _FILES:
        raise ValueError(f"`split` must be 'train' or 'test'. Received: {split!r}")
    if isinstance(category, str):
        if category not in CATEGORIES:
            raise ValueError(f"`category` must be one of {CATEGORIES}: {category!r}")
        category = CATEGORIES.index(category)
    if category is not None and category not in range(len(CATEGORIES)):
        raise ValueError(f"`category` must be in 0..4. Received: {category!r}")
    root = Path(root)
    images = read_norb_file(root / _FILES[split].format("dat"))
    categories = read_norb_file(root / _FILES[split].format("cat"))
    info = read_norb_file(root / _FILES[split].format("info"))
    if not (len(images) == len(categories) == len(info)) or images.ndim != 4:
        raise ValueError(
            f"SmallNORB files in {root} disagree: dat {images.shape}, cat "
            f"{categories.shape}, info {info.shape} (expected N rows each)."
        )
    rows = np.arange(len(images))
    if category is not None:
        rows = rows[categories == category]
    if rows.size == 0:
        raise ValueError(f"No image of category {category} in {root}.")
    return np.ascontiguousarray(images[rows, 0]), categories[rows], info[rows]


def _to_rgb(image, size):
    """A `(H, W)` grey image as float32 `(size, 3)` RGB in [0, 255]."""
    image = tf.image.grayscale_to_rgb(tf.cast(image, tf.float32)[..., None])
    return crop_and_resize(image, full_image_box(image), size)[0]
