import json

import numpy as np
import pytest

from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.training.model_evaluation import evaluate_model
from keras_landmarks.training.model_evaluation import matched_scores
from tests.helpers import tiny_model


def _splits(num_train=12, num_test=6, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.uniform(0, 255, (num_train + num_test, 32, 32, 3)).astype("float32")
    landmarks = rng.uniform(4, 28, (num_train + num_test, 3, 2)).astype("float32")
    landmarks[::4, 2] = np.nan  # a point missing in a quarter of the images
    n = num_train
    return LabelledSplits(
        images[:n], landmarks[:n], images[n:], landmarks[n:], metric="size_normalized"
    )


def test_scores_both_baselines_curve_label_free_and_pictures(tmp_path, capsys):
    model = tiny_model(num_keypoints=2)
    results = evaluate_model(
        model, _splits(), tmp_path, seed=3, within=4.0, sizes=(1, 5, None)
    )
    summary = results["test"]
    methods = {"trained detector", "untrained detector", "mean shape"}
    assert set(summary["overall"]) == methods
    assert summary["normalisation"] == {"image_size": 32}
    assert summary["scored_points"] == 6 * 3 - 2  # two test images miss point 2
    assert set(summary["percent_within"]) == methods | {"distance_px"}
    assert summary["sample_efficiency"]["sizes"] == [1, 5, 12]
    assert results["label_free"]["equivariance_percent"] > 0
    assert "equivariance_percent" in results["label_free_untrained"]
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["test"]["overall"] == pytest.approx(summary["overall"])
    assert (tmp_path / "regression.png").exists()
    assert (tmp_path / "sample_efficiency.png").exists()
    printed = capsys.readouterr().out
    assert "mean shape" in printed and "% within 4 px" in printed
    # The untrained baseline and the draws follow the seed.
    again = evaluate_model(model, _splits(), seed=3, within=4.0, sizes=(1, 5, None))
    assert again["test"] == summary


def test_eyes_normalise_by_their_distance(tmp_path):
    splits = _splits()
    splits.test_landmarks[:, 2] = splits.test_landmarks[:, 0] + [5.0, 0.0]
    results = evaluate_model(
        tiny_model(num_keypoints=2), splits, eyes=(0, 2), sizes=(None,)
    )
    summary = results["test"]
    assert summary["normalisation"] == {"eyes": [0, 2]}
    assert "inter-ocular" in summary["metric"]


def test_matched_scores_the_raw_keypoints_by_their_hungarian_assignment():
    # Keypoints that are the landmarks, permuted (landmark p is keypoint
    # order[p]), plus a decoy: matching recovers the permutation, so the
    # matched error is 0 by construction; random keypoints score worse.
    splits = _splits()
    splits.train_landmarks[:, 2] = 16.0  # annotated everywhere on this split
    order = [2, 0, 1]

    def detector(landmarks):
        keypoints = np.full((len(landmarks), 4, 2), 30.0)
        keypoints[:, order] = np.nan_to_num(landmarks, nan=16.0)
        return keypoints

    rng = np.random.default_rng(0)
    points = {
        "trained detector": tuple(
            detector(lm) for lm in (splits.train_landmarks, splits.test_landmarks)
        ),
        "untrained detector": tuple(rng.uniform(0, 32, (n, 4, 2)) for n in (12, 6)),
    }
    norms = np.full(6, 32.0)
    matched = matched_scores(points, splits, norms, within=1.0)
    assert matched["protocol"].startswith("not a paper protocol")
    assert matched["keypoint_per_landmark"]["trained detector"] == order
    assert matched["overall"]["trained detector"] == 0
    assert matched["percent_within"]["trained detector"] == 100.0
    assert matched["overall"]["untrained detector"] > 10.0
    assert matched["unmatched_landmarks"] == 0


def test_too_few_regression_images_is_a_clear_error():
    with pytest.raises(ValueError, match="4 regression images are too few"):
        evaluate_model(tiny_model(num_keypoints=2), _splits(num_train=4))
