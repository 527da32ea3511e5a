import json

import numpy as np
import pytest

from keras_landmarks.evaluation import sample_efficiency_curve
from keras_landmarks.evaluation.sample_efficiency import curves_entry


def make_split(num_train=40, num_test=20, noise=1.0, seed=0):
    rng = np.random.default_rng(seed)
    keypoints = rng.uniform(0, 64, (num_train + num_test, 10, 2))
    weights = rng.normal(0, 0.3, (20, 10))
    landmarks = (keypoints.reshape(-1, 20) @ weights).reshape(-1, 5, 2)
    # Eyes far apart so the inter-ocular distance is never near zero.
    landmarks[:, 1, 0] += 100.0
    keypoints[:, 0, 0] = landmarks[:, 1, 0]
    landmarks += rng.normal(0, noise, landmarks.shape)
    return (
        keypoints[:num_train],
        landmarks[:num_train],
        keypoints[num_train:],
        landmarks[num_train:],
    )


def test_curve_shapes_skipped_sizes_and_all():
    curve = sample_efficiency_curve(
        *make_split(), sizes=(1, 5, 10, 100, None), num_draws=4
    )
    assert curve.sizes == (1, 5, 10, 40)
    assert curve.skipped == (100,)
    assert "100" in curve.notes()
    assert curve.mean.shape == curve.std.shape == (4,)
    assert [len(e) for e in curve.errors] == [4, 4, 4, 1]
    assert curve.std[-1] == 0.0
    np.testing.assert_allclose(curve.mean, [e.mean() for e in curve.errors])


def test_error_falls_with_more_training_images():
    curve = sample_efficiency_curve(*make_split(num_train=200), sizes=(5, 50, None))
    assert curve.mean[0] > curve.mean[1] > curve.mean[2]


def test_deterministic_by_seed_and_independent_of_other_sizes():
    split = make_split()
    first = sample_efficiency_curve(*split, sizes=(5, 10), seed=3)
    again = sample_efficiency_curve(*split, sizes=(10, 5), seed=3)
    only_ten = sample_efficiency_curve(*split, sizes=(10,), seed=3)
    other = sample_efficiency_curve(*split, sizes=(5, 10), seed=4)
    np.testing.assert_array_equal(first.mean, again.mean)
    np.testing.assert_array_equal(first.errors[1], only_ten.errors[0])
    assert not np.array_equal(first.errors[0], other.errors[0])


def test_custom_metric():
    calls = []

    def metric(predictions, landmarks):
        calls.append(len(predictions))
        return 1.0

    curve = sample_efficiency_curve(
        *make_split(), sizes=(1, None), num_draws=3, metric=metric
    )
    np.testing.assert_array_equal(curve.mean, [1.0, 1.0])
    assert calls == [20] * 4


BAD_ARGUMENTS = [
    (dict(sizes=(0,)), "sizes"),
    (dict(sizes=()), "sizes"),
    (dict(num_draws=0), "num_draws"),
    (dict(seed=-1), "seed"),
]


def test_bad_arguments_raise():
    for kwargs, message in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=message):
            sample_efficiency_curve(*make_split(), **kwargs)


def test_mismatched_test_keypoints_raise():
    train_k, train_l, test_k, test_l = make_split()
    with pytest.raises(ValueError, match="test_keypoints"):
        sample_efficiency_curve(train_k, train_l, test_k[:, :5], test_l)


def test_curves_entry_is_one_layout_and_refuses_mismatched_sizes():
    rng = np.random.default_rng(0)
    regression = rng.normal(size=(30, 4, 2)).astype("float32")
    landmarks = rng.normal(size=(30, 5, 2)).astype("float32")
    test = rng.normal(size=(10, 4, 2)).astype("float32")
    test_landmarks = rng.normal(size=(10, 5, 2)).astype("float32")
    trained = sample_efficiency_curve(
        regression, landmarks, test, test_landmarks, sizes=(10, 50, None), seed=0
    )
    untrained = sample_efficiency_curve(
        regression * 2, landmarks, test * 2, test_landmarks, sizes=(10, 50, None)
    )
    entry = curves_entry(trained, untrained)
    assert entry["sizes"] == [10, 30] and entry["skipped"] == [50]
    assert entry["trained_mean"] == [float(v) for v in trained.mean]
    assert entry["untrained_std"] == [float(v) for v in untrained.std]
    json.dumps(entry)  # plain Python numbers
    other = sample_efficiency_curve(
        regression, landmarks, test, test_landmarks, sizes=(10,), seed=0
    )
    with pytest.raises(
        ValueError, match=r"same sizes. Received: \[10, 30\] and \[10\]"
    ):
        curves_entry(trained, other)
