"""SVHN house numbers: pairs of two digits of the same house number.

Where to get it (the code never downloads): http://ufldl.stanford.edu/housenumbers/
"Format 1: full numbers" (`train.tar.gz`, `test.tar.gz`, `extra.tar.gz`).
Format 1 is needed because format 2 (32 x 32 single-digit crops) does not say
which digits come from the same house number. Expected layout::

    root/train/1.png, 2.png, ..., root/train/digitStruct.mat
    root/test/...,  root/extra/...

`digitStruct.mat` is a MATLAB v7.3 (HDF5) file read with h5py: a struct array
`digitStruct` with `name` (the file name) and `bbox` (per digit `left`, `top`,
`width`, `height`, `label`, in pixels of the file).

A pair is two different digits of one house number, each cropped square
around its box: same font, colours and background, different shape, which is
what the conditional generator needs (appearance from the source, geometry
from the target).
"""

from pathlib import Path

import h5py
import numpy as np
import tensorflow as tf

from keras_landmarks.data.datasets.annotation_files import report_mismatch
from keras_landmarks.data.files.bad_files import map_skipping_errors
from keras_landmarks.data.files.image_files import decode_image
from keras_landmarks.data.files.image_files import keep_readable
from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import image_size_pair
from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.random_seeds import split_seed

SPLITS = ("train", "test", "extra")
# Our choice: the crop side is 1.3 times the longer side of the digit box, so
# the digit keeps some context (format 2 uses a similar expansion).
DIGIT_CROP_SCALE = 1.3


def _values(file, item):
    # One digit: the value is stored inline; several: as object references.
    if item.dtype == h5py.ref_dtype:
        return [float(np.asarray(file[ref]).ravel()[0]) for ref in item[()].ravel()]
    return [float(v) for v in np.asarray(item).ravel()]


def read_digit_struct(path):
    """Parses a format-1 `digitStruct.mat`.

    Returns:
        list of `(file name, boxes)` with boxes a float32 `(digits, 5)` array
        of `left, top, width, height, label`.

    Raises:
        ValueError: the file is missing or is not a v7.3 digitStruct.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"Expected the SVHN format-1 annotation file {path}.")
    try:
        file = h5py.File(path, "r")
    except OSError as error:
        raise ValueError(f"{path} is not a MATLAB v7.3 (HDF5) file: {error}") from None
    with file:
        if "digitStruct" not in file:
            raise ValueError(f"{path} has no 'digitStruct' (SVHN format 1 expected).")
        group = file["digitStruct"]
        names, boxes = group["name"][()].ravel(), group["bbox"][()].ravel()
        records = []
        for name_ref, box_ref in zip(names, boxes, strict=True):
            name = "".join(chr(c) for c in np.asarray(file[name_ref]).ravel())
            box = file[box_ref]
            columns = [
                _values(file, box[k]) for k in ("left", "top", "width", "height")
            ]
            columns.append(_values(file, box["label"]))
            records.append((name, np.asarray(columns, np.float32).T))
    return records


def svhn_pairs(
    root,
    split="train",
    image_size=32,
    seed=0,
    num_pairs=None,
    validate=True,
    num_parallel_calls=tf.data.AUTOTUNE,
):
    """Pairs of two digits of the same house number (SVHN format 1).

    Pair `i` uses house number `i % num_images` (those with two or more
    digits); the two digits and their order are drawn with the seed
    `(seed, i)`.

    Args:
        root: str or path-like, the folder holding `train/`, `test/`, `extra/`.
        split: "train", "test" or "extra".
        image_size: int or `(height, width)`, default 32.
        seed: int, default 0.
        num_pairs: optional int; default one pair per house number.
        validate: bool, default True. Check every file when building the index.
        num_parallel_calls: int, default `tf.data.AUTOTUNE`.

    Returns:
        `tf.data.Dataset` of {"source", "target": float32 `(h, w, 3)`,
        "mask": ones `(h, w, 1)`}.
    """
    check_seed(seed)
    if split not in SPLITS:
        raise ValueError(f"`split` must be one of {SPLITS}. Received: split={split!r}")
    folder = Path(root) / split
    records = read_digit_struct(folder / "digitStruct.mat")
    missing = [name for name, _ in records if not (folder / name).is_file()]
    report_mismatch(f"images listed in {folder}/digitStruct.mat", missing, folder)
    records = [(n, b) for n, b in records if len(b) >= 2 and n not in set(missing)]
    paths = [str(folder / name) for name, _ in records]
    kept = keep_readable(paths) if validate else np.arange(len(paths))
    if kept.size == 0:
        raise ValueError(f"No readable SVHN image with two or more digits in {folder}.")
    size = image_size_pair(image_size)
    squares = []
    for index in kept:
        left, top, width, height = records[index][1][:, :4].T
        half = np.maximum(width, height) * DIGIT_CROP_SCALE / 2
        cx, cy = left + (width - 1) / 2, top + (height - 1) / 2
        squares.append(np.stack([cx - half, cy - half, cx + half, cy + half], 1))
    counts = np.asarray([len(s) for s in squares], np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    all_boxes = tf.constant(np.concatenate(squares).astype(np.float32))
    paths_t = tf.constant(np.asarray(paths)[kept])
    num_images = len(kept)
    num_pairs = num_images if num_pairs is None else int(num_pairs)

    def to_pair(index):
        house = index % num_images
        count = tf.gather(counts, house)
        first_seed, second_seed = split_seed(element_seed(seed, index), 2)
        first = tf.random.stateless_uniform(
            (), first_seed, maxval=count, dtype=tf.int64
        )
        # A different digit: shift by 1..count-1 around the ring of digits.
        shift = tf.random.stateless_uniform(
            (), second_seed, minval=1, maxval=count, dtype=tf.int64
        )
        second = (first + shift) % count
        image = decode_image(tf.gather(paths_t, house))
        base = tf.gather(offsets, house)
        source = crop_and_resize(image, tf.gather(all_boxes, base + first), size)[0]
        target = crop_and_resize(image, tf.gather(all_boxes, base + second), size)[0]
        return {
            "source": source,
            "target": target,
            "mask": tf.ones((size[0], size[1], 1), tf.float32),
        }

    return map_skipping_errors(
        tf.data.Dataset.range(num_pairs), to_pair, num_parallel_calls
    )
