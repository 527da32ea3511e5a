"""Callbacks for long runs: a time budget that survives restarts, and pictures."""

import json
import os
import time

import keras
import numpy as np


class TimeBudget(keras.callbacks.Callback):
    """Stops `fit` once the run has trained for `max_seconds` in total.

    Time spent in earlier (interrupted) processes of the same run counts: the
    elapsed time is stored in `state_path` at every epoch end, next to the
    `BackupAndRestore` checkpoint it belongs to.

    Args:
        max_seconds: float or None (no limit).
        state_path: path of a small JSON file, or None (no persistence).
    """

    def __init__(self, max_seconds, state_path=None):
        super().__init__()
        if max_seconds is not None and max_seconds <= 0:
            raise ValueError(
                f"`max_seconds` must be positive. Received: max_seconds={max_seconds}"
            )
        self.max_seconds = max_seconds
        self.state_path = state_path
        self.previous_seconds = 0.0
        self._start = None

    @property
    def elapsed_seconds(self):
        current = 0.0 if self._start is None else time.monotonic() - self._start
        return self.previous_seconds + current

    def on_train_begin(self, logs=None):
        if self.state_path and os.path.exists(self.state_path):
            with open(self.state_path) as f:
                self.previous_seconds = float(json.load(f)["elapsed_seconds"])
        self._start = time.monotonic()
        if self.max_seconds is not None and self.previous_seconds >= self.max_seconds:
            self.model.stop_training = True

    def on_train_batch_end(self, batch, logs=None):
        if self.max_seconds is not None and self.elapsed_seconds >= self.max_seconds:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        if self.state_path:
            tmp = f"{self.state_path}.tmp"
            with open(tmp, "w") as f:
                json.dump({"elapsed_seconds": self.elapsed_seconds}, f)
            os.replace(tmp, self.state_path)


class PreviewPictures(keras.callbacks.Callback):
    """Writes the paper's quadruplets for fixed pairs every `every` epochs.

    Args:
        pairs: dict of numpy arrays {"source", "target"} with a few pairs.
        directory: where `epoch_0001.png`, ... are written.
        every: int, default 1.
    """

    def __init__(self, pairs, directory, every=1):
        super().__init__()
        if every < 1:
            raise ValueError(f"`every` must be >= 1. Received: every={every}")
        self.pairs = {k: np.asarray(v) for k, v in pairs.items() if k != "mask"}
        self.directory = os.fspath(directory)
        self.every = every

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        from keras_landmarks.visualization import training_preview

        training_preview(
            self.model,
            self.pairs,
            os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png"),
        )
