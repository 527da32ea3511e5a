"""Your own annotations: a landmarks file of image paths and their points.

Two formats, chosen by the suffix; paths are relative to the file's folder
(or absolute); any number of points, the same in every row; a missing point
is an empty cell, `nan` or `null`:

- CSV (`.csv`): `file,x0,y0,x1,y1,...`, one row per image. A first row whose
  second cell is not a number is a header; its x columns name the points
  (`left_eye_x,left_eye_y` -> `left_eye`).
- JSON (`.json`): `{"photo1.jpg": [[x0, y0], [x1, y1], null, ...], ...}`.

Points are pixel (x, y) of the image file, pixel centres at integers.
"""

import csv
import math
import os

import numpy as np

from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.datasets.labelled_splits import labelled_arrays
from keras_landmarks.data.files.boxes_file import boxes_for
from keras_landmarks.data.files.boxes_file import read_boxes
from keras_landmarks.data.files.image_files import image_dataset
from keras_landmarks.data.files.json_table import read_json_table
from keras_landmarks.data.ops.framing import DEFAULT_FIT

# Without --num-train: this share of the images fits the regressor.
REGRESSION_SHARE = 0.75


def _number(text, where):
    if text is None or (isinstance(text, str) and text.strip().lower() in ("", "nan")):
        return math.nan
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected a number. Received: {text!r}") from None
    if math.isinf(value):
        raise ValueError(f"{where}: expected a finite number. Received: {text!r}")
    return value


def _point_name(header):
    name = header.strip()
    for suffix in ("_x", ".x", " x"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _read_csv(path):
    rows, names = [], None
    with open(path, newline="") as f:
        for number, row in enumerate(csv.reader(f), start=1):
            if not row or not any(cell.strip() for cell in row):
                continue
            if number == 1 and len(row) > 1 and _is_header(row[1]):
                names = tuple(_point_name(cell) for cell in row[1::2])
                continue
            if len(row) < 3 or len(row) % 2 == 0:
                raise ValueError(
                    f"{path} line {number}: expected file,x0,y0,x1,y1,... (a file "
                    f"and pairs of numbers). Received {len(row)} cells"
                )
            where = f"{path} line {number}"
            values = [_number(cell, where) for cell in row[1:]]
            rows.append((row[0], np.reshape(values, (-1, 2))))
    return rows, names


def _is_header(cell):
    try:
        float(cell)
    except ValueError:
        return cell.strip() != ""
    return False


def _read_json(path):
    table = read_json_table(path, "[[x, y] or null, ...]")
    rows = []
    for name, points in table.items():
        where = f"{path} ({name})"
        if not isinstance(points, list):
            raise ValueError(
                f"{where}: expected a list of points. Received: {points!r}"
            )
        values = []
        for point in points:
            if point is None:
                values.append((math.nan, math.nan))
            elif isinstance(point, list) and len(point) == 2:
                values.append(tuple(_number(v, where) for v in point))
            else:
                raise ValueError(
                    f"{where}: a point is [x, y] or null. Received: {point!r}"
                )
        rows.append((name, np.asarray(values, np.float64).reshape(-1, 2)))
    return rows, None


def read_landmarks_file(path):
    """The images and points of a landmarks file (see the module docstring).

    Args:
        path: str or path-like, a `.csv` or `.json` file.

    Returns:
        `(paths, landmarks, names)`: N image paths (resolved against the
        file's folder), float32 `(N, P, 2)` with NaN for missing points, and
        the P point names (from a CSV header) or None.

    Raises:
        ValueError: another suffix, no rows, rows with different numbers of
            points, or a cell that is not a number.
    """
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".csv":
        rows, names = _read_csv(path)
    elif suffix == ".json":
        rows, names = _read_json(path)
    else:
        raise ValueError(f"A landmarks file is .csv or .json. Received: {path}")
    if not rows:
        raise ValueError(f"{path} holds no annotated image.")
    counts = sorted({len(points) for _, points in rows})
    if len(counts) > 1:
        raise ValueError(
            f"{path}: every image needs the same number of points (NaN or null "
            f"for a missing one). Received: {counts}"
        )
    if names is not None and len(names) != counts[0]:
        raise ValueError(
            f"{path}: the header names {len(names)} points, the rows hold {counts[0]}."
        )
    folder = os.path.dirname(os.path.abspath(path))
    paths = [os.path.join(folder, name) for name, _ in rows]
    landmarks = np.stack([points for _, points in rows]).astype("float32")
    landmarks[np.isnan(landmarks).any(-1)] = np.nan  # half a point is missing
    return paths, landmarks, names


def landmarks_file_splits(
    path,
    image_size,
    num_regression=None,
    num_test=None,
    seed=0,
    fit=DEFAULT_FIT,
    boxes=None,
):
    """`LabelledSplits` of a landmarks file, split at random by `seed`.

    Each image is cropped to its box (`boxes`), framed (`fit`) and resized
    to `image_size`, its points moved with it; unreadable images are
    skipped, logged and counted.

    Args:
        path: the landmarks file.
        image_size: int, the model's input size.
        num_regression: optional int, images the regressor is fitted on
            (default `REGRESSION_SHARE` of them).
        num_test: optional int, images it is tested on (default the rest).
        seed: int, default 0. Seeds the split.
        fit: `"crop"` (default) or `"pad"`, see `framing_box`.
        boxes: optional boxes file (`boxes_file`).

    Returns:
        `LabelledSplits` named "landmarks", metric "size_normalized" (the
        caller picks the normalisation, see `evaluate_model`).
    """
    paths, landmarks, names = read_landmarks_file(path)
    box_rows = None
    if boxes is not None:
        box_rows = boxes_for(paths, read_boxes(boxes), os.path.dirname(paths[0]))
    images, points = labelled_arrays(
        image_dataset(paths, image_size, landmarks=landmarks, boxes=box_rows, fit=fit)
    )
    order = np.random.default_rng(seed).permutation(len(images))
    if num_regression is None:
        num_regression = int(round(REGRESSION_SHARE * len(images)))
    if num_test is None:
        num_test = len(images) - num_regression
    if num_regression < 1 or num_test < 1 or num_regression + num_test > len(images):
        raise ValueError(
            f"{path}: {len(images)} readable images cannot give {num_regression} "
            f"regression and {num_test} test images."
        )
    train, test = order[:num_regression], order[num_regression:][:num_test]
    return LabelledSplits(
        images[train],
        points[train],
        images[test],
        points[test],
        metric="size_normalized",
        landmark_names=names,
        name="landmarks",
    )
