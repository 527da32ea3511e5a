"""A boxes file: the object's box in each image, to crop it before resizing.

Two formats, chosen by the suffix:

- CSV (`.csv`): one row per image, `file,x0,y0,x1,y1`; a first row whose
  numbers do not parse is a header.
- JSON (`.json`): `{"photo1.jpg": [x0, y0, x1, y1], ...}`.

Boxes are pixel coordinates of the image file, `(x0, y0)` the top-left and
`(x1, y1)` the bottom-right pixel centre. A file is matched by its path as
given, its path relative to the images' folder, or its name alone (in this
order). Images without a box use the whole image.
"""

import csv
import logging
import os

import numpy as np

from keras_landmarks.data.files.json_table import read_json_table

logger = logging.getLogger("keras_landmarks.data")


def _key(path):
    return os.path.normpath(str(path)).replace(os.sep, "/")


def _box(values, where):
    try:
        box = np.asarray([float(v) for v in values], np.float32)
    except (TypeError, ValueError):
        box = np.zeros(0, np.float32)
    if box.shape != (4,) or not np.all(np.isfinite(box)):
        raise ValueError(
            f"{where}: a box is 4 numbers x0, y0, x1, y1. Received: {values!r}"
        )
    if not (box[2] > box[0] and box[3] > box[1]):
        raise ValueError(f"{where}: a box needs x1 > x0 and y1 > y0. Received: {box}")
    return box


def read_boxes(path):
    """The boxes of a boxes file (see the module docstring).

    Args:
        path: str or path-like, a `.csv` or `.json` file.

    Returns:
        dict from the normalised file key to a float32 `(4,)` box.

    Raises:
        ValueError: another suffix, or a row that is not a file and a box.
    """
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    boxes = {}
    if suffix == ".json":
        table = read_json_table(path, "[x0, y0, x1, y1]")
        for name, values in table.items():
            boxes[_key(name)] = _box(values, f"{path} ({name})")
    elif suffix == ".csv":
        with open(path, newline="") as f:
            for number, row in enumerate(csv.reader(f), start=1):
                if not row or (number == 1 and not _is_number(row[-1])):
                    continue  # empty line or header
                if len(row) != 5:
                    raise ValueError(
                        f"{path} line {number}: expected file,x0,y0,x1,y1. "
                        f"Received: {row}"
                    )
                boxes[_key(row[0])] = _box(row[1:], f"{path} line {number}")
    else:
        raise ValueError(f"A boxes file is .csv or .json. Received: {path}")
    if not boxes:
        raise ValueError(f"{path} holds no boxes.")
    return boxes


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def boxes_for(paths, boxes, root=None):
    """The box of each image of `paths` from a `read_boxes` table.

    Args:
        paths: list of N image paths.
        boxes: dict from `read_boxes`.
        root: optional folder the images were listed from (for relative keys).

    Returns:
        float32 `(N, 4)`; NaN rows for images without a box (the whole image
        is used, and how many are logged).
    """
    out = np.full((len(paths), 4), np.nan, np.float32)
    for index, path in enumerate(paths):
        keys = [_key(path), os.path.basename(str(path))]
        if root is not None:
            keys.insert(1, _key(os.path.relpath(path, root)))
        for key in keys:
            if key in boxes:
                out[index] = boxes[key]
                break
    missing = int(np.isnan(out[:, 0]).sum())
    if missing:
        logger.warning(
            "%d of %d images have no box in the boxes file; they are used whole.",
            missing,
            len(paths),
        )
    return out
