import numpy as np
import pytest

from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.evaluation import evaluate_landmarks
from keras_landmarks.evaluation import format_results
from keras_landmarks.evaluation import size_normalized_error
from keras_landmarks.evaluation.report import evaluate_splits


def make_data(seed=0, num=80):
    rng = np.random.default_rng(seed)
    landmarks = rng.uniform(10, 54, (num, 5, 2))
    landmarks[:, 1] = landmarks[:, 0] + [20.0, 0.0]  # IOD 20
    trained = np.concatenate([landmarks, rng.uniform(0, 64, (num, 5, 2))], axis=1)
    untrained = rng.uniform(0, 64, (num, 10, 2))
    return landmarks, trained, untrained


def test_trained_beats_both_baselines():
    landmarks, trained, untrained = make_data()
    results = evaluate_landmarks(
        trained[:60],
        landmarks[:60],
        trained[60:],
        landmarks[60:],
        untrained[:60],
        untrained[60:],
        landmark_names=("le", "re", "n", "lm", "rm"),
    )
    assert list(results.overall) == [
        "trained detector",
        "untrained detector",
        "mean shape",
    ]
    assert results.overall["trained detector"] == pytest.approx(0.0, abs=1e-6)
    assert results.overall["untrained detector"] > 10.0
    assert results.overall["mean shape"] > 10.0
    assert results.per_point["mean shape"].shape == (5,)
    assert (results.num_train, results.num_test) == (60, 20)
    assert not results.higher_is_better
    table = format_results(results)
    assert "inter-ocular error (%)" in table and "without bias" in table
    assert "untrained detector" in table and "mean shape" in table and "rm" in table
    assert len(table.splitlines()) == 5


def test_mean_shape_row_on_a_constructed_case():
    # Training landmarks average to the test shape shifted by (3, 4): 5 px off
    # everywhere with IOD 20 -> 25 %.
    shape = np.array([[20.0, 30.0], [40.0, 30.0], [30, 40], [22, 50], [38, 50]])
    train = np.stack([shape + [2.0, 4.0], shape + [4.0, 4.0]])
    test = np.stack([shape] * 3)
    keypoints = np.ones((5, 2, 2))
    results = evaluate_landmarks(
        keypoints[:2], train, keypoints[2:], test, keypoints[:2], keypoints[2:]
    )
    assert results.overall["mean shape"] == pytest.approx(25.0)
    np.testing.assert_allclose(results.per_point["mean shape"], [25.0] * 5)


def test_within_distance_metric_and_bias():
    landmarks, trained, untrained = make_data(1)
    results = evaluate_landmarks(
        trained[:60],
        landmarks[:60],
        trained[60:],
        landmarks[60:],
        untrained[:60],
        untrained[60:],
        metric="within_distance",
        distance=6.0,
        bias=True,
    )
    assert results.higher_is_better
    assert results.overall["trained detector"] == 100.0
    assert "within 6 px" in format_results(results)
    assert "with bias" in format_results(results)


BAD_ARGUMENTS = [
    (dict(metric="pck"), "metric"),
    (dict(landmark_names=("a",)), "landmark_names"),
    (
        dict(untrained_test_keypoints=np.zeros((20, 7, 2))),
        "untrained_test_keypoints",
    ),
    (
        dict(untrained_train_keypoints=np.zeros((59, 10, 2))),
        "same number of images",
    ),
    (dict(test_landmarks=np.zeros((20, 4, 2))), "test_landmarks"),
]


def test_bad_arguments_raise():
    for change, message in BAD_ARGUMENTS:
        landmarks, trained, untrained = make_data()
        kwargs = dict(
            train_keypoints=trained[:60],
            train_landmarks=landmarks[:60],
            test_keypoints=trained[60:],
            test_landmarks=landmarks[60:],
            untrained_train_keypoints=untrained[:60],
            untrained_test_keypoints=untrained[60:],
        )
        kwargs.update(change)
        with pytest.raises(ValueError, match=message):
            evaluate_landmarks(**kwargs)


def _splits(metric, landmarks, distance=6.0):
    return LabelledSplits(
        np.zeros((60, 4, 4, 3)),
        landmarks[:60],
        np.zeros((20, 4, 4, 3)),
        landmarks[60:],
        metric=metric,
        distance=distance,
    )


def test_evaluate_splits_inter_ocular_is_evaluate_landmarks():
    landmarks, trained, untrained = make_data()
    splits = _splits("inter_ocular", landmarks)
    summary, text = evaluate_splits(
        splits, (trained[:60], trained[60:]), (untrained[:60], untrained[60:]), 64
    )
    results = evaluate_landmarks(
        trained[:60],
        landmarks[:60],
        trained[60:],
        landmarks[60:],
        untrained[:60],
        untrained[60:],
    )
    assert summary == {
        "metric": results.metric,
        "overall": {k: float(v) for k, v in results.overall.items()},
    }
    assert text == format_results(results)


def test_evaluate_splits_size_normalized_and_curve():
    landmarks, trained, untrained = make_data()
    # The first 5 keypoints are the landmarks: the regressor recovers them.
    exact = (trained[:60], trained[60:])
    summary, _ = evaluate_splits(
        _splits("size_normalized", landmarks), exact, exact, 64
    )
    assert summary["metric"] == "mean error (% of image size)"
    errors = summary["overall"]
    assert errors["trained detector"] == pytest.approx(0.0, abs=1e-6)
    mean_shape = np.broadcast_to(landmarks[:60].mean(0), landmarks[60:].shape)
    assert errors["mean shape"] == pytest.approx(
        size_normalized_error(mean_shape, landmarks[60:], 64)
    )
    summary, _ = evaluate_splits(
        _splits("within_distance", landmarks, 1.0), exact, exact, 64
    )
    curve = summary["accuracy_vs_distance"]
    assert curve["distances_px"] == list(range(21))
    # Recovered up to round-off: every point within 1 px and more.
    for label in ("trained detector", "untrained detector"):
        assert curve["percent_within"][label][1:] == pytest.approx([100.0] * 20)
    with pytest.raises(ValueError, match="`metric` must be one of"):
        evaluate_splits(_splits("auc", landmarks), exact, exact, 64)
