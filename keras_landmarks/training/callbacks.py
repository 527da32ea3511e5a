"""Callbacks for long runs: budgets that survive restarts, a NaN stop, pictures."""

import json
import os
import time

import keras
import numpy as np

from keras_landmarks.integers import is_integer


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

    def _load_previous(self):
        if self.state_path and os.path.exists(self.state_path):
            with open(self.state_path) as f:
                self.previous_seconds = float(json.load(f)["elapsed_seconds"])

    def spent(self):
        """True if earlier processes of the run used the whole budget already.

        Check it before `fit`: a `fit` started on a spent budget would still
        make one step before this callback can stop it.
        """
        self._load_previous()
        return (
            self.max_seconds is not None and self.previous_seconds >= self.max_seconds
        )

    def on_train_begin(self, logs=None):
        self._load_previous()
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


class StepBudget(keras.callbacks.Callback):
    """Stops `fit` once the optimizer has made `steps` steps in total.

    `fit` counts whole epochs; this stops inside the last one, so a budget of
    150 steps at 100 steps per epoch trains 150, not 200. Steps of earlier
    (interrupted) processes count: the optimizer's counter is read once at the
    start, then counted here (no device-to-host copy per batch).

    Args:
        steps: int >= 1, the total.
    """

    def __init__(self, steps):
        super().__init__()
        if not is_integer(steps) or steps < 1:
            raise ValueError(f"`steps` must be an int >= 1. Received: steps={steps!r}")
        self.steps = int(steps)
        self._epoch_start = 0
        self._current = 0

    def on_train_begin(self, logs=None):
        self._current = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = self._current

    def on_train_batch_end(self, batch, logs=None):
        # `batch` is the last step of the call (several with steps_per_execution).
        self._current = self._epoch_start + batch + 1
        if self._current >= self.steps:
            self.model.stop_training = True


class NonFiniteLossError(ValueError):
    """The training loss became NaN or infinite; raised by `StopOnNonFiniteLoss`."""


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Raises `NonFiniteLossError` at the first batch whose loss is NaN or inf.

    Unlike `keras.callbacks.TerminateOnNaN`, which lets the epoch end (and
    with it the checkpoint and picture callbacks) run on the broken weights,
    this stops `fit` at once: nothing after the last good checkpoint is
    written. The message names the step and the likely causes.
    """

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        value = float(np.asarray(keras.ops.convert_to_numpy(loss)))
        if np.isfinite(value):
            return
        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        raise NonFiniteLossError(
            f"Training stopped at step {step}: the loss is {value}. Likely causes: "
            "NaN or inf values in the training images (check the data), or "
            "divergence (lower the learning rate). The weights of this step were "
            "not saved: the last checkpoint and model.keras are kept, and the "
            "run resumes from that checkpoint."
        )


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
