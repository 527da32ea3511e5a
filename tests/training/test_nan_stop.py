"""Fault injection: NaN pixels in the training data stop the run cleanly.

One NaN pixel gives a NaN loss; training must stop at that step with a
message naming it and the likely causes, and keep the last good checkpoint
and `model.keras` instead of writing NaN weights over them.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.losses import PixelLoss
from keras_landmarks.training import NonFiniteLossError
from keras_landmarks.training import TrainingCheckpoint
from keras_landmarks.training import train
from keras_landmarks.training.checkpoint import SaveCheckpoint
from tests.helpers import tiny_model
from tests.helpers import to_numpy
from tests.helpers import toy_pairs


def _model():
    model = tiny_model(loss=PixelLoss())
    model.compile(optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0))
    return model


def _train(model, run_dir, steps, pixel=None, preview_every=1):
    pairs = toy_pairs(8)
    if pixel is not None:
        pairs["target"][1, 5, 7, 0] = pixel
    return train(
        model,
        tf.data.Dataset.from_tensor_slices(pairs),
        run_dir,
        steps=steps,
        batch_size=4,
        steps_per_epoch=1,
        preview_every=preview_every,
        num_preview=2,
        verbose=0,
    )


def test_a_nan_pixel_stops_at_its_step_and_keeps_the_good_model(tmp_path):
    _train(_model(), tmp_path, steps=1)
    good_model = (tmp_path / "model.keras").read_bytes()

    with pytest.raises(NonFiniteLossError) as error:
        _train(_model(), tmp_path, steps=3, pixel=np.nan)
    message = str(error.value)
    assert "stopped at step 2" in message
    assert "NaN or inf values in the training images" in message
    assert "lower the learning rate" in message

    assert (tmp_path / "model.keras").read_bytes() == good_model
    restored = _model()
    point = TrainingCheckpoint(tmp_path / "backup").restore(restored)
    assert point.step == 1
    for weight in restored.weights:
        assert np.isfinite(to_numpy(weight)).all(), weight.path
    # No picture of the broken weights either.
    assert sorted(p.name for p in (tmp_path / "pictures").iterdir()) == [
        "epoch_0001.png"
    ]


def test_an_inf_pixel_in_the_first_batch_writes_nothing(tmp_path):
    with pytest.raises(NonFiniteLossError, match="stopped at step 1: the loss is"):
        _train(_model(), tmp_path, steps=2, pixel=np.inf, preview_every=0)
    assert not (tmp_path / "model.keras").exists()
    assert TrainingCheckpoint(tmp_path / "backup").restore(_model()) is None


def test_nan_weights_under_a_finite_loss_are_not_saved(tmp_path):
    # The loss of a step is computed before its update: the weights can turn
    # NaN in the last step of an epoch while the logged loss is still finite.
    model = _model()
    kernel = model.detector.head.kernel
    kernel.assign(np.full(kernel.shape, np.nan, "float32"))
    callback = SaveCheckpoint(TrainingCheckpoint(tmp_path / "backup"))
    callback.set_model(model)
    with pytest.raises(NonFiniteLossError, match="heatmaps/kernel holds NaN or inf"):
        callback.on_epoch_end(0, {"loss": 1.0})
    assert not (tmp_path / "backup" / "training_metadata.json").exists()


def _logged_tags(log_dir):
    tags = set()
    for path in log_dir.rglob("events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            tags.update(value.tag for value in event.summary.value)
    return tags


def test_the_logs_of_the_good_steps_reach_the_disk(tmp_path):
    pairs = toy_pairs(8)
    pairs["target"][5, 5, 7, 0] = np.nan  # in the second batch of 4: step 2
    with pytest.raises(NonFiniteLossError, match="stopped at step 2"):
        train(
            _model(),
            tf.data.Dataset.from_tensor_slices(pairs),
            tmp_path,
            steps=3,
            batch_size=4,
            steps_per_epoch=1,
            preview_every=0,
            verbose=0,
        )
    # Epoch 1 (the good step) ended before the NaN step: its loss is logged,
    # and the writers were closed (flushed) although `fit` stopped inside a step.
    assert "epoch_loss" in _logged_tags(tmp_path / "logs" / "train")
