"""Annotated images as numpy arrays: a regression split and a test split.

The paper's evaluation fits a regressor from the discovered keypoints to the
annotated landmarks on one split and tests it on another. `LabelledSplits`
holds both, with how to score them; `labelled_arrays` and `pair_landmarks`
read them from a dataset reader; `labelled_stream` reads only the landmarks
and leaves the images to be streamed (`StreamedImages`) for splits too large
to hold; `read_labelled_splits` does both splits of a reader at once.
"""

import dataclasses

import numpy as np

from keras_landmarks.data.datasets.streamed_images import StreamedImages


@dataclasses.dataclass
class LabelledSplits:
    """Annotated images for the paper's evaluation: fit a regressor, test it.

    Attributes:
        train_images, train_landmarks: `(N, H, W, 3)`, `(N, P, 2)` pixels.
            `train_images` may be `StreamedImages` (`labelled_stream`): read
            a batch at a time by `run.predict_points`, never held in memory.
        test_images, test_landmarks: `(M, H, W, 3)`, `(M, P, 2)`.
        metric: one of `keras_landmarks.evaluation.report.SPLIT_METRICS`:
            `"inter_ocular"` (faces, % of the inter-ocular distance),
            `"within_distance"` (% within `distance` px, with the
            accuracy-vs-distance curve) or `"size_normalized"` (mean error in
            % of the image size).
        distance: float, pixels for `"within_distance"`.
        landmark_names: optional names of the P points.
        name: str, the label of this evaluation in `results.json`.
    """

    train_images: np.ndarray
    train_landmarks: np.ndarray
    test_images: np.ndarray
    test_landmarks: np.ndarray
    metric: str = "inter_ocular"
    distance: float = 6.0
    landmark_names: tuple | None = None
    name: str = "test"


def labelled_arrays(dataset, limit=None):
    """Numpy `(images, landmarks)` from a dataset of {"image", "landmarks"}.

    Args:
        dataset: `tf.data.Dataset` of dicts, unbatched.
        limit: optional int, the first `limit` elements only.

    Returns:
        float32 `(N, H, W, 3)` images and `(N, P, 2)` landmarks.

    Raises:
        ValueError: the dataset is empty.
    """
    if limit is not None:
        dataset = dataset.take(limit)
    images, landmarks = [], []
    for element in dataset.as_numpy_iterator():
        images.append(element["image"])
        landmarks.append(element["landmarks"])
    if not images:
        raise ValueError("No labelled images were found.")
    return np.stack(images).astype("float32"), np.stack(landmarks).astype("float32")


def labelled_stream(dataset, limit=None):
    """`(StreamedImages, landmarks)` from a dataset of {"image", "landmarks"}.

    Like `labelled_arrays`, but only the landmarks are kept: one pass reads
    them (decoding each image once and dropping it), and the images stay in
    the dataset, decoded again a batch at a time whenever they are used. The
    dataset must give the same elements in the same order on every pass (the
    file readers of `data/datasets` do).

    Args:
        dataset: `tf.data.Dataset` of dicts, unbatched.
        limit: optional int, the first `limit` elements only.

    Returns:
        `StreamedImages` of the N images and float32 `(N, P, 2)` landmarks.

    Raises:
        ValueError: the dataset is empty.
    """
    if limit is not None:
        dataset = dataset.take(limit)
    landmarks = list(dataset.map(lambda e: e["landmarks"]).as_numpy_iterator())
    if not landmarks:
        raise ValueError("No labelled images were found.")
    images = StreamedImages(dataset.map(lambda e: e["image"]), len(landmarks))
    return images, np.stack(landmarks).astype("float32")


def pair_landmarks(pairs, limit):
    """`(images, landmarks)` of the targets of pairs made `with_landmarks`."""
    return labelled_arrays(
        pairs.map(lambda p: {"image": p["target"], "landmarks": p["target_landmarks"]}),
        limit,
    )


def read_labelled_splits(reader, root, image_size, splits, limits, **kwargs):
    """`LabelledSplits` of a dataset reader's regression and test split.

    Args:
        reader: `reader(root, split, image_size)` gives a dataset of
            {"image", "landmarks"} (e.g. `celeba_mafl`, `aflw`).
        root: str, the dataset's folder.
        image_size: int.
        splits: the regression and the test split's names.
        limits: their image counts (None: all).
        **kwargs: the other `LabelledSplits` fields (`name`, `metric`, ...).
    """
    regression, test = [
        labelled_arrays(reader(root, split, image_size), limit)
        for split, limit in zip(splits, limits, strict=True)
    ]
    return LabelledSplits(*regression, *test, **kwargs)
