"""A result table: the trained detector beside its two baselines.

Every number the paper's protocol gives is reported with, on the same split,
(1) the mean shape, i.e. the training mean landmarks predicted for every test
image, and (2) the same regressor fitted on the keypoints of an untrained
(randomly initialised) detector. Together they show how much of the score the
learned keypoints earn.
"""

import dataclasses

import numpy as np

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_same_length
from keras_landmarks.evaluation._validation import check_same_shape
from keras_landmarks.evaluation.baselines import fit_mean_shape
from keras_landmarks.evaluation.metrics import BBC_POSE_DISTANCE
from keras_landmarks.evaluation.metrics import inter_ocular_error
from keras_landmarks.evaluation.metrics import percent_within_distance
from keras_landmarks.evaluation.metrics import size_normalized_error
from keras_landmarks.evaluation.metrics import within_distance_curve
from keras_landmarks.evaluation.regression import fit_landmark_regressor

METRICS = ("inter_ocular", "within_distance")
# What `evaluate_splits` scores a `LabelledSplits` by (its `metric`).
SPLIT_METRICS = (*METRICS, "size_normalized")
# `evaluate_splits`' accuracy-vs-distance curve: 0, 1, ..., 20 pixels.
CURVE_DISTANCES = tuple(range(21))
TRAINED = "trained detector"
UNTRAINED = "untrained detector"
MEAN_SHAPE = "mean shape"


@dataclasses.dataclass(frozen=True)
class LandmarkResults:
    """Errors of the trained detector and of the two baselines, one split.

    Attributes:
        metric: str, what the numbers are, e.g. `"inter-ocular error (%)"`.
        higher_is_better: bool.
        overall: dict from method name (`"trained detector"`, `"untrained
            detector"`, `"mean shape"`) to the float over all points.
        per_point: dict from method name to a `(P,)` float array.
        landmark_names: tuple of `P` str.
        num_train: int, images the regressors were fitted on.
        num_test: int, images they were tested on.
        bias: bool, whether the regressors had a bias term.
    """

    metric: str
    higher_is_better: bool
    overall: dict
    per_point: dict
    landmark_names: tuple
    num_train: int
    num_test: int
    bias: bool


def evaluate_landmarks(
    train_keypoints,
    train_landmarks,
    test_keypoints,
    test_landmarks,
    untrained_train_keypoints,
    untrained_test_keypoints,
    bias=False,
    metric="inter_ocular",
    left_eye=0,
    right_eye=1,
    distance=BBC_POSE_DISTANCE,
    landmark_names=None,
):
    """Regresses landmarks from keypoints and scores them beside the baselines.

    Fits `fit_landmark_regressor` on the training split for the trained and
    the untrained detector's keypoints, and `fit_mean_shape` on the training
    landmarks, then scores all three on the test split.

    Args:
        train_keypoints: `(N, K, 2)` trained detector's keypoints, pixels.
        train_landmarks: `(N, P, 2)` annotated training landmarks, pixels.
        test_keypoints: `(M, K, 2)` trained detector's test keypoints.
        test_landmarks: `(M, P, 2)` annotated test landmarks.
        untrained_train_keypoints: `(N, K', 2)` keypoints of an untrained
            detector on the same training images (`K'` may differ from `K`).
        untrained_test_keypoints: `(M, K', 2)` the same on the test images.
        bias: bool, default False (the paper's protocol).
        metric: str, default `"inter_ocular"`: mean error in % of the
            inter-ocular distance (faces). `"within_distance"`: % of points
            within `distance` pixels (BBC-Pose).
        left_eye: int, default 0. Eye index for `"inter_ocular"`.
        right_eye: int, default 1. Eye index for `"inter_ocular"`.
        distance: float, default 6.0. Threshold for `"within_distance"`.
        landmark_names: optional sequence of `P` str for the table's columns;
            default `"0"`, `"1"`, ...

    Returns:
        A `LandmarkResults`; print it with `format_results`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> landmarks = rng.uniform(0, 64, (60, 5, 2))
    >>> keypoints = np.concatenate([landmarks, rng.uniform(0, 64, (60, 5, 2))], 1)
    >>> untrained = rng.uniform(0, 64, (60, 10, 2))
    >>> results = evaluate_landmarks(keypoints[:50], landmarks[:50], keypoints[50:],
    ...     landmarks[50:], untrained[:50], untrained[50:])
    >>> round(results.overall["trained detector"], 6)
    0.0
    """
    if metric not in METRICS:
        raise ValueError(
            f"`metric` must be one of {METRICS}. Received: metric={metric!r}"
        )
    train_keypoints = as_points(train_keypoints, "train_keypoints")
    train_landmarks = as_points(train_landmarks, "train_landmarks")
    test_keypoints = as_points(
        test_keypoints, "test_keypoints", train_keypoints.shape[1]
    )
    test_landmarks = as_points(
        test_landmarks, "test_landmarks", train_landmarks.shape[1]
    )
    untrained_train_keypoints = as_points(
        untrained_train_keypoints, "untrained_train_keypoints"
    )
    untrained_test_keypoints = as_points(
        untrained_test_keypoints,
        "untrained_test_keypoints",
        untrained_train_keypoints.shape[1],
    )
    check_same_length(
        train_keypoints, "train_keypoints", train_landmarks, "train_landmarks"
    )
    check_same_length(
        test_keypoints, "test_keypoints", test_landmarks, "test_landmarks"
    )
    check_same_length(
        untrained_train_keypoints,
        "untrained_train_keypoints",
        train_landmarks,
        "train_landmarks",
    )
    check_same_length(
        untrained_test_keypoints,
        "untrained_test_keypoints",
        test_landmarks,
        "test_landmarks",
    )
    num_points = train_landmarks.shape[1]
    if landmark_names is None:
        landmark_names = tuple(str(index) for index in range(num_points))
    landmark_names = tuple(landmark_names)
    if len(landmark_names) != num_points:
        raise ValueError(
            f"`landmark_names` must hold {num_points} names. "
            f"Received: landmark_names={landmark_names!r}"
        )

    if metric == "inter_ocular":
        description = "inter-ocular error (%)"

        def score(predictions, reduction):
            return inter_ocular_error(
                predictions, test_landmarks, left_eye, right_eye, reduction
            )

    else:
        description = f"points within {distance:g} px (%)"

        def score(predictions, reduction):
            return percent_within_distance(
                predictions, test_landmarks, distance, reduction
            )

    predictions = {
        TRAINED: fit_landmark_regressor(
            train_keypoints, train_landmarks, bias=bias
        ).predict(test_keypoints),
        UNTRAINED: fit_landmark_regressor(
            untrained_train_keypoints, train_landmarks, bias=bias
        ).predict(untrained_test_keypoints),
        MEAN_SHAPE: fit_mean_shape(train_landmarks).predict(test_keypoints),
    }
    for name, value in predictions.items():
        check_same_shape(value, name, test_landmarks, "test_landmarks")
    return LandmarkResults(
        metric=description,
        higher_is_better=metric == "within_distance",
        overall={name: score(value, "mean") for name, value in predictions.items()},
        per_point={
            name: score(value, "per_point") for name, value in predictions.items()
        },
        landmark_names=landmark_names,
        num_train=len(train_keypoints),
        num_test=len(test_keypoints),
        bias=bias,
    )


def format_results(results):
    """Formats a `LandmarkResults` as a plain-text table.

    Args:
        results: a `LandmarkResults` from `evaluate_landmarks`.

    Returns:
        str, a header line and one row per method: the overall value, its
        ratio to the mean-shape baseline, and the value per landmark.

    Example:

    >>> print(format_results(results))  # doctest: +SKIP
    inter-ocular error (%), lower is better; linear regressor without bias
    fitted on 1000 images, tested on 500
    method               all  / mean shape  left_eye  right_eye ...
    trained detector    3.80        0.19       2.10       2.20 ...
    """
    direction = "higher" if results.higher_is_better else "lower"
    bias = "with" if results.bias else "without"
    header = (
        f"{results.metric}, {direction} is better; linear regressor {bias} bias "
        f"fitted on {results.num_train} images, tested on {results.num_test}"
    )
    width = max(8, *(len(name) for name in results.landmark_names))
    name_width = max(len(name) for name in results.overall)
    columns = ["all", "/ mean shape", *results.landmark_names]
    widths = [8, 12] + [width] * len(results.landmark_names)
    lines = [
        header,
        "  ".join(
            ["method".ljust(name_width)]
            + [column.rjust(w) for column, w in zip(columns, widths, strict=True)]
        ),
    ]
    reference = results.overall[MEAN_SHAPE]
    for name, overall in results.overall.items():
        ratio = f"{overall / reference:.2f}" if reference else "n/a"
        cells = [f"{overall:.2f}", ratio]
        cells += [f"{value:.2f}" for value in np.asarray(results.per_point[name])]
        lines.append(
            "  ".join(
                [name.ljust(name_width)]
                + [cell.rjust(w) for cell, w in zip(cells, widths, strict=True)]
            )
        )
    return "\n".join(lines)


def evaluate_splits(splits, trained, untrained, image_size):
    """Scores one `LabelledSplits` like the paper, beside the baselines.

    Args:
        splits: a `keras_landmarks.data.datasets.labelled_splits.LabelledSplits`; its
            `metric` is one of `SPLIT_METRICS`.
        trained, untrained: `(regression points, test points)` of the trained
            and the untrained detector, `(N, K, 2)` and `(M, K, 2)`.
        image_size: int, for `"size_normalized"`.

    Returns:
        `(summary, text)`: a dict for `results.json` ("metric", and
        "overall" from method name to its score; for `"within_distance"`
        also "accuracy_vs_distance": "distances_px" and "percent_within" from
        detector name to the curve) and a printable table.
    """
    if splits.metric not in SPLIT_METRICS:
        raise ValueError(
            f"`metric` must be one of {SPLIT_METRICS}. Received: {splits.metric!r}"
        )
    if splits.metric == "size_normalized":
        predictions = {
            label: fit_landmark_regressor(train_points, splits.train_landmarks).predict(
                test_points
            )
            for label, (train_points, test_points) in (
                (TRAINED, trained),
                (UNTRAINED, untrained),
            )
        }
        predictions[MEAN_SHAPE] = fit_mean_shape(splits.train_landmarks).predict(
            trained[1]
        )
        overall = {
            label: size_normalized_error(value, splits.test_landmarks, image_size)
            for label, value in predictions.items()
        }
        description = "mean error (% of image size)"
        text = f"{description}, lower is better\n" + "\n".join(
            f"  {k:20s} {v:.2f}" for k, v in overall.items()
        )
        return {"metric": description, "overall": overall}, text
    results = evaluate_landmarks(
        trained[0],
        splits.train_landmarks,
        trained[1],
        splits.test_landmarks,
        untrained[0],
        untrained[1],
        metric=splits.metric,
        distance=splits.distance,
        landmark_names=splits.landmark_names,
    )
    summary = {
        "metric": results.metric,
        "overall": {k: float(v) for k, v in results.overall.items()},
    }
    if splits.metric == "within_distance":
        distances = list(CURVE_DISTANCES)
        curves = {}
        for label, (train_points, test_points) in (
            (TRAINED, trained),
            (UNTRAINED, untrained),
        ):
            regressor = fit_landmark_regressor(train_points, splits.train_landmarks)
            curve = within_distance_curve(
                regressor.predict(test_points), splits.test_landmarks, distances
            )
            curves[label] = [float(v) for v in curve]
        summary["accuracy_vs_distance"] = {
            "distances_px": distances,
            "percent_within": curves,
        }
    return summary, format_results(results)
