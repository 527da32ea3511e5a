"""LearningCurve and landmark_measures: records every N steps, resume, the measures."""

import json
import time

import numpy as np
import pytest

from keras_landmarks.data.synthetic.faces import make_faces
from keras_landmarks.losses.pixel_loss import PixelLoss
from keras_landmarks.training.learning_curve import LearningCurve
from keras_landmarks.training.learning_curve import landmark_measures
from tests.helpers import tiny_model
from tests.helpers import toy_pairs


class Counter:
    """A measure that counts its calls and takes a known time."""

    def __init__(self, seconds=0.0):
        self.calls = 0
        self.seconds = seconds

    def __call__(self, model):
        self.calls += 1
        time.sleep(self.seconds)
        return {"calls": float(self.calls), "kept_in_json": [1, 2]}


def _fit(model, callback, epochs, initial_epoch=0):
    model.fit(
        toy_pairs(8),
        batch_size=2,
        epochs=epochs,
        initial_epoch=initial_epoch,
        callbacks=[callback],
        verbose=0,
    )


def test_records_every_n_steps_then_resumes(tmp_path):
    model = tiny_model(loss=PixelLoss())
    model.compile(optimizer="adam")
    path = tmp_path / "curve.json"
    measure = Counter(seconds=0.3)
    start = time.monotonic()
    _fit(model, LearningCurve(measure, 3, path, log_dir=tmp_path / "logs"), 2)
    wall = time.monotonic() - start
    records = json.loads(path.read_text())["records"]
    # 2 epochs of 4 steps: measured before step 1, after steps 3 and 6.
    assert [r["step"] for r in records] == [0, 3, 6]
    assert [r["calls"] for r in records] == [1.0, 2.0, 3.0]
    assert records[-1]["kept_in_json"] == [1, 2]
    # The 0.3 s per measurement is not training time.
    seconds = [r["train_seconds"] for r in records]
    assert seconds[0] < 0.5 and seconds == sorted(seconds)
    assert seconds[-1] < wall - 3 * 0.3
    assert list((tmp_path / "logs").iterdir()), "no TensorBoard events"
    # A resumed run appends; it does not measure a step twice.
    resumed = Counter()
    _fit(model, LearningCurve(resumed, 3, path), 3, initial_epoch=2)
    records = json.loads(path.read_text())["records"]
    assert [r["step"] for r in records] == [0, 3, 6, 9, 12]
    assert resumed.calls == 2
    assert records[3]["train_seconds"] >= records[2]["train_seconds"]


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="Received: every=0"):
        LearningCurve(Counter(), 0, tmp_path / "c.json")
    with pytest.raises(ValueError, match="`measure` must be callable"):
        LearningCurve("error", 10, tmp_path / "c.json")


def test_landmark_measures_on_faces():
    images, landmarks = make_faces(24, size=32, seed=0)
    images = images.astype("float32")
    model = tiny_model(loss=PixelLoss())
    measures = landmark_measures(
        model, images[:16], landmarks[:16], images[16:], landmarks[16:], seed=3
    )
    assert measures["ratio"] == pytest.approx(
        measures["error"] / measures["mean_shape_error"]
    )
    assert len(measures["part_median_percent"]) == 5
    assert all(0 <= k < 4 for k in measures["part_keypoint"])
    assert np.isfinite(measures["equivariance_percent"])
    assert np.isfinite(measures["geometry_follow_percent"])
    assert "untrained_error" not in measures
    # The oracles know the test annotation: knowing the pose beats knowing
    # only the position, and both beat the mean shape.
    assert (
        measures["similarity_oracle_ratio"] < measures["translation_oracle_ratio"] < 1.0
    )
