import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.losses import PixelLoss
from keras_landmarks.training import TimeBudget
from keras_landmarks.training import train
from tests.helpers import tiny_model
from tests.helpers import to_numpy
from tests.helpers import toy_pairs


def _pairs(n=8):
    return tf.data.Dataset.from_tensor_slices(toy_pairs(n))


def _model():
    model = tiny_model(loss=PixelLoss())
    model.compile(optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0))
    return model


class _Interrupt(keras.callbacks.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.at_epoch:
            raise KeyboardInterrupt


def test_writes_model_logs_pictures_and_resumes_after_a_kill(tmp_path):
    model = _model()
    with pytest.raises(KeyboardInterrupt):
        train(
            model,
            _pairs(),
            tmp_path,
            steps=6,
            batch_size=4,
            steps_per_epoch=2,
            verbose=0,
            callbacks=[_Interrupt(2)],
            num_preview=2,
        )
    assert int(to_numpy(model.optimizer.iterations)) == 4
    saved = to_numpy(model.detector.head.kernel).copy()
    metadata = json.loads((tmp_path / "backup" / "training_metadata.json").read_text())
    assert metadata["epoch"] == 2

    # A new process: fresh model, same run folder -> continues at step 4.
    keras.backend.clear_session()
    resumed = _model()
    history = train(
        resumed,
        _pairs(),
        tmp_path,
        steps=6,
        batch_size=4,
        steps_per_epoch=2,
        verbose=0,
        num_preview=2,
    )
    assert len(history.history["loss"]) == 1  # only the third epoch ran
    assert int(to_numpy(resumed.optimizer.iterations)) == 6
    assert not np.array_equal(saved, to_numpy(resumed.detector.head.kernel))
    assert (tmp_path / "model.keras").exists()
    assert (tmp_path / "logs").is_dir()
    pictures = sorted(p.name for p in (tmp_path / "pictures").iterdir())
    assert pictures == ["epoch_0001.png", "epoch_0002.png", "epoch_0003.png"]


def test_time_budget_counts_earlier_processes(tmp_path):
    state = tmp_path / "budget.json"
    state.write_text(json.dumps({"elapsed_seconds": 100.0}))
    model = _model()
    history = train(
        model,
        _pairs(),
        tmp_path,
        max_minutes=1.0,
        batch_size=4,
        steps_per_epoch=2,
        verbose=0,
        preview_every=0,
        callbacks=[TimeBudget(60.0, str(state))],
    )
    # The budget was already spent: one step runs, then fit stops.
    assert len(history.history["loss"]) == 1
    assert int(to_numpy(model.optimizer.iterations)) == 1


def test_bad_arguments(tmp_path):
    model = _model()
    with pytest.raises(ValueError, match="steps"):
        train(model, _pairs(), tmp_path)
    with pytest.raises(ValueError, match="steps=0"):
        train(model, _pairs(), tmp_path, steps=0)
    with pytest.raises(ValueError, match="tf.data.Dataset"):
        train(model, toy_pairs(2), tmp_path, steps=1)
    with pytest.raises(ValueError, match="'source', 'target'"):
        train(model, tf.data.Dataset.range(3), tmp_path, steps=1)
    uncompiled = tiny_model(loss=PixelLoss())
    with pytest.raises(ValueError, match="Compile"):
        train(uncompiled, _pairs(), tmp_path, steps=1)
    with pytest.raises(ValueError, match="max_seconds"):
        TimeBudget(0)


class _Stream:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


def test_fit_verbosity_is_a_bar_on_a_terminal_and_a_line_per_epoch_elsewhere():
    from keras_landmarks.training.loop import fit_verbosity

    assert fit_verbosity("auto", _Stream(True)) == 1
    assert fit_verbosity("auto", _Stream(False)) == 2
    assert fit_verbosity("auto", object()) == 2  # no isatty: not a terminal
    assert fit_verbosity(0, _Stream(True)) == 0


def test_log_to_a_file_has_one_line_per_epoch(tmp_path, capsys):
    # pytest's captured stdout is not a terminal, like a log file.
    train(
        _model(),
        _pairs(),
        tmp_path,
        steps=6,
        batch_size=4,
        steps_per_epoch=2,
        preview_every=0,
    )
    out = capsys.readouterr().out
    assert "\r" not in out and "\b" not in out  # no redrawn bar
    epoch_lines = [line for line in out.splitlines() if "loss:" in line]
    assert len(epoch_lines) == 3
    assert all(line.startswith("2/2 ") for line in epoch_lines)
