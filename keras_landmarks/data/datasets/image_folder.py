"""A generic folder of images, as images or as thin-plate-spline pairs."""

from keras_landmarks.data.files.boxes_file import boxes_for
from keras_landmarks.data.files.boxes_file import read_boxes
from keras_landmarks.data.files.image_files import image_dataset
from keras_landmarks.data.files.image_files import list_image_files
from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.ops.thin_plate_spline import TARGET_WARP
from keras_landmarks.data.pairs.tps_pairs import tps_pairs


def image_folder(
    root, image_size=128, recursive=True, validate=True, fit=None, boxes=None
):
    """Every image under `root`, framed (`fit`) and resized to `image_size`.

    Expected layout: any `.jpg`, `.jpeg`, `.png`, `.bmp` or `.gif` files under
    `root` (subfolders included when `recursive`), read in sorted path order.
    Unreadable files are skipped, logged and counted (`bad_files`).

    Args:
        root: str or path-like.
        image_size: int or `(height, width)`, default 128.
        recursive: bool, default True.
        validate: bool, default True. Check every file when building the index.
        fit: None (default: stretched, the aspect ratio is lost), `"crop"`
            (the centre, at the output's aspect) or `"pad"` (the whole image
            on black bands); see `framing_box`.
        boxes: optional boxes file (`.csv` or `.json`, see `boxes_file`):
            each image is cropped to its object's box before framing.

    Returns:
        `tf.data.Dataset` of {"image": float32 `(height, width, 3)` in [0, 255]}.

    Raises:
        ValueError: `root` is missing or holds no image files.
    """
    paths = list_image_files(root, recursive=recursive)
    if boxes is not None:
        boxes = boxes_for(paths, read_boxes(boxes), root)
    return image_dataset(paths, image_size, boxes=boxes, validate=validate, fit=fit)


def image_folder_pairs(
    root,
    image_size=128,
    seed=0,
    target_warp=TARGET_WARP,
    source_warp=SOURCE_WARP,
    shuffle_buffer=None,
    repeat=False,
    return_grid=False,
    fit=None,
    boxes=None,
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
        fit, boxes: how each image is framed, as in `image_folder`.

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"} dicts (and
        "source_grid").

    Example:

    >>> pairs = image_folder_pairs("photos/", 128, repeat=True).batch(32)
    >>> model.fit(pairs, steps_per_epoch=1000)
    """
    images = image_folder(root, image_size, fit=fit, boxes=boxes)
    if shuffle_buffer:
        images = images.shuffle(shuffle_buffer, seed=seed)
    if repeat:
        images = images.repeat()
    return tps_pairs(images, seed, target_warp, source_warp, return_grid=return_grid)
