"""Error against the number of images used to fit the regressor (sample efficiency)."""

import dataclasses

import numpy as np

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_same_length
from keras_landmarks.evaluation.metrics import inter_ocular_error
from keras_landmarks.evaluation.regression import fit_landmark_regressor
from keras_landmarks.integers import is_integer

# The paper's sample-efficiency plot (MAFL): 1, 5, 10, 100, 500, 1000 and all images.
DEFAULT_SIZES = (1, 5, 10, 100, 500, 1000, None)


@dataclasses.dataclass(frozen=True)
class SampleEfficiencyCurve:
    """Test error of the regressor fitted on `n` random training images.

    Attributes:
        sizes: tuple of int, the `n` evaluated, increasing; the last is the
            whole training split when `None` was asked for.
        mean: `(len(sizes),)` float array, mean test error over the draws.
        std: `(len(sizes),)` float array, standard deviation over the draws
            (0 for the whole training split, drawn once).
        errors: tuple of `(num_draws,)` float arrays, one per size.
        skipped: tuple of int, requested sizes larger than the training split,
            left out.
    """

    sizes: tuple
    mean: np.ndarray
    std: np.ndarray
    errors: tuple
    skipped: tuple

    def notes(self):
        """A sentence on skipped sizes, or an empty string."""
        if not self.skipped:
            return ""
        return (
            f"Skipped n = {', '.join(map(str, self.skipped))}: larger than the "
            f"{self.sizes[-1] if self.sizes else 0}-image training split."
        )


def sample_efficiency_curve(
    train_keypoints,
    train_landmarks,
    test_keypoints,
    test_landmarks,
    sizes=DEFAULT_SIZES,
    num_draws=10,
    seed=0,
    bias=False,
    metric=inter_ocular_error,
    allow_missing=False,
):
    """Fits the regressor on random subsets of `n` images and tests each fit.

    For every `n` in `sizes`, draws `num_draws` subsets of `n` distinct
    training images, fits `fit_landmark_regressor` on each and reports the mean
    and standard deviation of `metric` on the whole test split. `None` in
    `sizes` means all training images (one fit, std 0). Sizes larger than the
    training split are skipped and listed in `curve.skipped`. The draws for a
    given `n` depend only on `seed` and `n`, so adding or removing other sizes
    does not change them.

    Args:
        train_keypoints: `(N, K, 2)` keypoints of the training images, pixels.
        train_landmarks: `(N, P, 2)` landmarks of the training images, pixels.
        test_keypoints: `(M, K, 2)` keypoints of the test images.
        test_landmarks: `(M, P, 2)` landmarks of the test images.
        sizes: sequence of positive int or `None`, default
            `(1, 5, 10, 100, 500, 1000, None)`.
        num_draws: int, default 10. Random subsets per size.
        seed: non-negative int, default 0.
        bias: bool, default False. Passed to `fit_landmark_regressor`.
        metric: callable `(predictions, landmarks) -> float`, default
            `inter_ocular_error` (in %).
        allow_missing: bool, default False. Landmarks may be NaN (missing):
            each is fitted on the images that annotate it
            (`fit_landmark_regressor`) and `metric` must skip them.

    Returns:
        A `SampleEfficiencyCurve`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> keypoints = rng.uniform(0, 64, (50, 10, 2))
    >>> landmarks = keypoints[:, :5] + rng.normal(0, 0.5, (50, 5, 2))
    >>> curve = sample_efficiency_curve(
    ...     keypoints[:40], landmarks[:40], keypoints[40:], landmarks[40:],
    ...     sizes=(1, 10, 100, None))
    >>> curve.sizes, curve.skipped
    ((1, 10, 40), (100,))
    """
    train_keypoints = as_points(train_keypoints, "train_keypoints")
    train_landmarks = as_points(
        train_landmarks, "train_landmarks", allow_nan=allow_missing
    )
    test_keypoints = as_points(
        test_keypoints, "test_keypoints", train_keypoints.shape[1]
    )
    test_landmarks = as_points(
        test_landmarks,
        "test_landmarks",
        train_landmarks.shape[1],
        allow_nan=allow_missing,
    )
    check_same_length(
        train_keypoints, "train_keypoints", train_landmarks, "train_landmarks"
    )
    check_same_length(
        test_keypoints, "test_keypoints", test_landmarks, "test_landmarks"
    )
    if not is_integer(num_draws) or num_draws < 1:
        raise ValueError(
            f"`num_draws` must be a positive int. Received: num_draws={num_draws!r}"
        )
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative int. Received: seed={seed!r}")
    num_train = len(train_keypoints)
    requested = set()
    for size in sizes:
        if size is None:
            requested.add(num_train)
        elif is_integer(size) and size >= 1:
            requested.add(int(size))
        else:
            raise ValueError(
                "`sizes` must hold positive ints or None. "
                f"Received: sizes={tuple(sizes)!r}"
            )
    if not requested:
        raise ValueError(f"`sizes` must not be empty. Received: sizes={sizes!r}")
    used = tuple(sorted(size for size in requested if size <= num_train))
    skipped = tuple(sorted(size for size in requested if size > num_train))

    errors = []
    for size in used:
        draws = 1 if size == num_train else num_draws
        rng = np.random.default_rng([seed, size])
        size_errors = []
        for _ in range(draws):
            subset = np.sort(rng.choice(num_train, size=size, replace=False))
            regressor = fit_landmark_regressor(
                train_keypoints[subset],
                train_landmarks[subset],
                bias=bias,
                allow_missing=allow_missing,
            )
            size_errors.append(
                metric(regressor.predict(test_keypoints), test_landmarks)
            )
        errors.append(np.asarray(size_errors, dtype=np.float64))
    return SampleEfficiencyCurve(
        sizes=used,
        mean=np.array([e.mean() for e in errors]),
        std=np.array([e.std() for e in errors]),
        errors=tuple(errors),
        skipped=skipped,
    )


def curves_entry(trained, untrained):
    """The `results.json` entry "sample_efficiency" of two curves, one layout
    for every run, recipe and `evaluate`.

    Args:
        trained, untrained: `SampleEfficiencyCurve`s of the trained and the
            untrained detector over the same sizes.

    Returns:
        dict: "sizes", "trained_mean", "trained_std", "untrained_mean",
        "untrained_std" (lists, errors in the run's metric) and "skipped"
        (requested sizes larger than the regression split).
    """
    if tuple(trained.sizes) != tuple(untrained.sizes):
        raise ValueError(
            "Both curves need the same sizes. Received: "
            f"{list(trained.sizes)} and {list(untrained.sizes)}"
        )
    return {
        "sizes": [int(n) for n in trained.sizes],
        "trained_mean": [float(v) for v in trained.mean],
        "trained_std": [float(v) for v in trained.std],
        "untrained_mean": [float(v) for v in untrained.mean],
        "untrained_std": [float(v) for v in untrained.std],
        "skipped": [int(n) for n in trained.skipped],
    }
