"""Listing, checking and decoding image files for the tf.data pipelines."""

import os
import warnings

import numpy as np
import tensorflow as tf

from keras_landmarks.data.files.bad_files import map_skipping_errors
from keras_landmarks.data.files.bad_files import report_bad_file
from keras_landmarks.data.files.file_listing import list_files
from keras_landmarks.data.ops.framing import check_fit
from keras_landmarks.data.ops.framing import framing_box
from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import full_image_box
from keras_landmarks.data.ops.image_geometry import image_size_pair

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp")
# File signatures (magic numbers) of the formats `tf.io.decode_image` reads.
_SIGNATURES = {
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
    "bmp": b"BM",
    "gif": b"GIF8",
    "webp": b"RIFF",  # and "WEBP" at byte 8
}
# A JPEG ends with the EOI marker, a PNG with its IEND chunk; a file cut short
# by an interrupted copy or download lacks them. Some writers pad the end, so
# look in the last kilobyte.
_JPEG_END, _PNG_END, _TAIL_BYTES = b"\xff\xd9", b"IEND\xaeB`\x82", 1024
# `read_image_file` refuses larger images before decoding them: a small file
# whose header claims gigapixels (a decompression bomb) would take all memory.
# Pillow's default limit: 0.25 GiB of 24-bit pixels.
MAX_IMAGE_PIXELS = 89_478_485


def check_image_file(path):
    """Cheaply checks that `path` looks like a complete image file.

    Reads only the first and last kilobyte: the file must exist, be non-empty,
    start with a JPEG, PNG, BMP, GIF or WebP signature and, for JPEG and PNG, end
    with the format's end marker (which truncated files lack).

    Args:
        path: str or path-like.

    Returns:
        None when the file looks fine, otherwise a str saying what is wrong.

    Example:

    >>> check_image_file("missing.jpg")
    'cannot read: ...'
    """
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(16)
            f.seek(max(0, size - _TAIL_BYTES))
            tail = f.read()
    except OSError as error:
        return f"cannot read: {error}"
    if size == 0:
        return "empty file"
    kind = next((k for k, sig in _SIGNATURES.items() if head.startswith(sig)), None)
    if kind == "webp" and head[8:12] != b"WEBP":
        kind = None  # another RIFF file (a WAV, an AVI)
    if kind is None:
        return "not a JPEG, PNG, BMP, GIF or WebP file (unknown signature)"
    if kind == "jpeg" and _JPEG_END not in tail:
        return "truncated JPEG (no end-of-image marker)"
    if kind == "png" and _PNG_END not in tail:
        return "truncated PNG (no IEND chunk)"
    return None


def keep_readable(paths):
    """Returns the indices of the `paths` that pass `check_image_file`.

    The others are logged and counted with `report_bad_file`.
    """
    kept = []
    for index, path in enumerate(paths):
        problem = check_image_file(path)
        if problem is None:
            kept.append(index)
        else:
            report_bad_file(path, problem)
    return np.asarray(kept, dtype=np.int64)


def list_image_files(folder, recursive=False):
    """Sorted image files (by extension) in `folder`.

    Args:
        folder: str or path-like.
        recursive: bool, default False. Also look in subfolders.

    Returns:
        list of str paths, sorted.

    Raises:
        ValueError: the folder does not exist or holds no image files.
    """
    return list_files(folder, IMAGE_EXTENSIONS, "image", recursive)


def decode_image(path):
    """Reads and decodes one image file as float32 RGB in [0, 255].

    Args:
        path: string scalar tensor.

    Returns:
        float32 tensor `(height, width, 3)`; grey images are repeated to RGB.
    """
    image = tf.io.decode_image(
        tf.io.read_file(path), channels=3, expand_animations=False
    )
    image.set_shape((None, None, 3))
    return tf.cast(image, tf.float32)


def image_dataset(
    paths,
    image_size,
    landmarks=None,
    boxes=None,
    relative_box=None,
    validate=True,
    fit=None,
    num_parallel_calls=tf.data.AUTOTUNE,
):
    """A dataset of images (and landmarks) read from files, cropped and resized.

    The shared back end of the readers of labelled images. Files that fail
    `check_image_file` are left out, logged and counted (when `validate`);
    a file that still fails to decode is dropped and counted by
    `map_skipping_errors`.

    Args:
        paths: list of N str paths.
        image_size: int or `(height, width)`, the output size.
        landmarks: optional float array `(N, P, 2)`, pixel (x, y) in the file.
        boxes: optional float array `(N, 4)` `(x0, y0, x1, y1)` crop boxes in
            pixel-centre coordinates (see `crop_and_resize`); whole image if
            None, and for the rows that are NaN.
        relative_box: optional `(x0, y0, x1, y1)` box for every image, as
            fractions of `(width - 1, height - 1)` (used when `boxes` is None).
        validate: bool, default True. Check files when building the index.
        fit: None (default: the box is stretched to `image_size`), `"crop"`
            or `"pad"`: keep its aspect ratio (`framing_box`).
        num_parallel_calls: int, default `tf.data.AUTOTUNE`.

    Returns:
        `tf.data.Dataset` of {"image": float32 `(height, width, 3)`} plus
        {"landmarks": float32 `(P, 2)`, pixel (x, y) in the returned image}
        when `landmarks` is given.
    """
    if not paths:
        raise ValueError("`paths` is empty: there are no images to read.")
    kept = keep_readable(paths) if validate else np.arange(len(paths))
    if kept.size == 0:
        raise ValueError(
            f"None of the {len(paths)} image files could be read (first: {paths[0]})."
        )
    size = image_size_pair(image_size)
    if size is None:
        raise ValueError("`image_size` is required. Received: image_size=None")
    check_fit(fit)
    columns = {"path": np.asarray(paths, dtype=object)[kept].astype(str)}
    if landmarks is not None:
        columns["landmarks"] = np.asarray(landmarks, np.float32)[kept]
    if boxes is not None:
        columns["box"] = np.asarray(boxes, np.float32)[kept]

    def load(element):
        image = decode_image(element["path"])
        if relative_box is not None:
            extent = tf.tile(full_image_box(image)[2:], [2])
            box = tf.constant(relative_box, tf.float32) * extent
        else:
            box = full_image_box(image)
        if "box" in element:
            given = element["box"]
            box = tf.where(tf.reduce_all(tf.math.is_finite(given)), given, box)
        if fit is not None:
            box = framing_box(box, size, fit)
        image, points = crop_and_resize(image, box, size, element.get("landmarks"))
        out = {"image": image}
        if points is not None:
            out["landmarks"] = points
        return out

    dataset = tf.data.Dataset.from_tensor_slices(columns)
    return map_skipping_errors(dataset, load, num_parallel_calls)


def read_image_file(path):
    """One image file as uint8 RGB, decoded as the training pipeline decodes it.

    For reading single files outside tf.data (`detect`): the file is checked
    with `check_image_file`, its header size against `MAX_IMAGE_PIXELS`, then
    decoded by `decode_image` (so 16-bit grey keeps its high byte, as in
    training).

    Args:
        path: str or path-like.

    Returns:
        uint8 numpy array `(height, width, 3)`.

    Raises:
        ValueError: the file fails `check_image_file`, its header claims more
            than `MAX_IMAGE_PIXELS` pixels, or it does not decode.
    """
    from PIL import Image

    problem = check_image_file(path)
    if problem is not None:
        raise ValueError(problem)
    # Pillow reads only the header here; it warns (or raises) on sizes that
    # the explicit check below reports itself.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as header:
                width, height = header.size
        except Image.DecompressionBombError as error:
            raise ValueError(f"refused, a decompression bomb? {error}") from None
        except OSError as error:  # Pillow cannot parse the header
            raise ValueError(f"unreadable header: {error}") from None
    if width * height > MAX_IMAGE_PIXELS:
        raise ValueError(
            f"refused, a decompression bomb? {width} x {height} pixels is more "
            f"than MAX_IMAGE_PIXELS={MAX_IMAGE_PIXELS}"
        )
    try:
        image = decode_image(tf.constant(os.fspath(path)))
    except tf.errors.OpError as error:
        raise ValueError(f"does not decode: {error.message.splitlines()[0]}") from None
    return image.numpy().astype("uint8")
