"""A generic folder of images, as images or as thin-plate-spline pairs."""

from keras_landmarks.data.files.image_files import image_dataset
from keras_landmarks.data.files.image_files import list_image_files
from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.ops.thin_plate_spline import TARGET_WARP
from keras_landmarks.data.pairs.tps_pairs import tps_pairs


def image_folder(root, image_size=128, recursive=True, validate=True):
    """Every image under `root`, resized (aspect not kept) to `image_size`.

    Expected layout: any `.jpg`, `.jpeg`, `.png`, `.bmp` or `.gif` files under
    `root` (subfolders included when `recursive`), read in sorted path order.
    Unreadable files are skipped, logged and counted (`bad_files`).

    Args:
        root: str or path-like.
        image_size: int or `(height, width)`, default 128.
        recursive: bool, default True.
        validate: bool, default True. Check every file when building the index.

    Returns:
        `tf.data.Dataset` of {"image": float32 `(height, width, 3)` in [0, 255]}.

    Raises:
        ValueError: `root` is missing or holds no image files.
    """
    return image_dataset(
        list_image_files(root, recursive=recursive), image_size, validate=validate
    )


def image_folder_pairs(
    root,
    image_size=128,
    seed=0,
    target_warp=TARGET_WARP,
    source_warp=SOURCE_WARP,
    shuffle_buffer=None,
    repeat=False,
    return_grid=False,
):
    """Thin-plate-spline pairs from a folder of images (see `tps_pairs`).

    Args:
        root: str or path-like, as in `image_folder`.
        image_size: int, default 128.
        seed: int, default 0. Seeds the warps and the shuffle.
        target_warp, source_warp: `TpsWarpStrength`, default the reference's.
        shuffle_buffer: optional int; shuffle the images with this buffer.
        repeat: bool, default False. Repeat forever, fresh warps every pass.
        return_grid: bool, default False. Also yield each pair's warp,
            "source_grid" (for `LandmarkModel(equivariance_weight=...)`).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"} dicts (and
        "source_grid").

    Example:

    >>> pairs = image_folder_pairs("photos/", 128, repeat=True).batch(32)
    >>> model.fit(pairs, steps_per_epoch=1000)
    """
    images = image_folder(root, image_size)
    if shuffle_buffer:
        images = images.shuffle(shuffle_buffer, seed=seed)
    if repeat:
        images = images.repeat()
    return tps_pairs(images, seed, target_warp, source_warp, return_grid=return_grid)
