"""Step budgets are exact: the last epoch is cut short, and a resume counts on."""

import json

import keras
import numpy as np
import tensorflow as tf

from keras_landmarks.losses import PixelLoss
from keras_landmarks.training import train
from tests.helpers import tiny_model
from tests.helpers import to_numpy
from tests.helpers import toy_pairs


def _model():
    model = tiny_model(loss=PixelLoss())
    model.compile(optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0))
    return model


def _train(model, run_dir, steps):
    return train(
        model,
        tf.data.Dataset.from_tensor_slices(toy_pairs(8)),
        run_dir,
        steps=steps,
        batch_size=4,
        steps_per_epoch=2,
        preview_every=0,
        verbose=0,
    )


def _step(model):
    return int(to_numpy(model.optimizer.iterations))


def test_steps_are_exact_across_a_resume(tmp_path):
    model = _model()
    # 3 steps at 2 per epoch: a full epoch, then one cut to a single step.
    history = _train(model, tmp_path, steps=np.int64(3))
    assert _step(model) == 3
    assert len(history.history["loss"]) == 2
    metadata = json.loads((tmp_path / "backup" / "training_metadata.json").read_text())
    assert (metadata["epoch"], metadata["step"]) == (2, 3)

    # A longer budget for the same run continues from step 3, not from 2 epochs.
    resumed = _model()
    history = _train(resumed, tmp_path, steps=6)
    assert _step(resumed) == 6
    assert len(history.history["loss"]) == 2  # steps 4-5, then 6

    # The budget is spent: nothing trains, the trained weights are loaded.
    again = _model()
    assert _train(again, tmp_path, steps=6) is None
    assert _step(again) == 6
    np.testing.assert_array_equal(
        to_numpy(again.detector.head.kernel), to_numpy(resumed.detector.head.kernel)
    )


def test_a_spent_time_budget_trains_no_more_steps(tmp_path):
    pairs = tf.data.Dataset.from_tensor_slices(toy_pairs(8))
    options = dict(batch_size=4, steps_per_epoch=2, preview_every=0, verbose=0)
    model = _model()
    # A budget this small ends at the first step's end; the epoch end saves it.
    train(model, pairs, tmp_path, max_minutes=1e-6, **options)
    trained = _step(model)
    assert trained >= 1

    again = _model()
    assert train(again, pairs, tmp_path, max_minutes=1e-6, **options) is None
    assert _step(again) == trained  # restored, and not one step more
    assert (tmp_path / "model.keras").exists()
