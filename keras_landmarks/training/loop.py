"""`train`: model.fit with checkpoints, resume, budgets, a NaN stop, pictures."""

import logging
import math
import os
import sys

import keras
import numpy as np
import tensorflow as tf

from keras_landmarks.integers import is_integer
from keras_landmarks.models.landmark_model import PAIR_ENTRIES
from keras_landmarks.training.callbacks import PreviewPictures
from keras_landmarks.training.callbacks import StepBudget
from keras_landmarks.training.callbacks import StopOnNonFiniteLoss
from keras_landmarks.training.callbacks import TimeBudget
from keras_landmarks.training.checkpoint import SaveCheckpoint
from keras_landmarks.training.checkpoint import TrainingCheckpoint

logger = logging.getLogger(__name__)

MODEL_FILENAME = "model.keras"
CHECKPOINT_DIRNAME = "backup"
DEFAULT_STEPS_PER_EPOCH = 100


def _check_pairs(pairs):
    if not isinstance(pairs, tf.data.Dataset):
        raise ValueError(
            "`pairs` must be a tf.data.Dataset of pair dicts. "
            f"Received: {type(pairs).__name__}"
        )
    spec = pairs.element_spec
    if not isinstance(spec, dict) or not {"source", "target"} <= set(spec):
        raise ValueError(
            "`pairs` must yield dicts with 'source', 'target' (and 'mask'). "
            f"Received element_spec: {spec}"
        )


def _batches(pairs, batch_size):
    spec = pairs.element_spec
    keep = [k for k in PAIR_ENTRIES if k in spec]
    pairs = pairs.map(lambda pair: {k: pair[k] for k in keep})
    if len(spec["source"].shape) == 3:
        pairs = pairs.batch(batch_size, drop_remainder=True)
    return pairs.repeat().prefetch(tf.data.AUTOTUNE)


def fit_verbosity(verbose="auto", stream=None):
    """`fit`'s `verbose` for where the output goes.

    `"auto"` is a progress bar (1) on a terminal and one line per epoch (2)
    elsewhere (a log file, `nohup`, CI), where a bar redrawn every step
    fills the log with its redraws. Any other value is returned as it is.

    Args:
        verbose: `"auto"` (default), 0, 1 or 2.
        stream: the output, default `sys.stdout`.
    """
    if verbose != "auto":
        return verbose
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return 1 if isatty is not None and isatty() else 2


def first_pairs(pairs, count):
    """The first `count` pairs of an unbatched pair dataset, as numpy arrays."""
    taken = list(pairs.take(count).as_numpy_iterator())
    return {k: np.stack([p[k] for p in taken]) for k in ("source", "target")}


def train(
    model,
    pairs,
    run_dir,
    steps=None,
    max_minutes=None,
    batch_size=16,
    steps_per_epoch=DEFAULT_STEPS_PER_EPOCH,
    preview_every=1,
    num_preview=6,
    verbose="auto",
    callbacks=(),
):
    """Trains a compiled `LandmarkModel` and keeps the run resumable.

    Everything a long run needs around `model.fit`: a checkpoint at every
    epoch end in `run_dir/backup` (kill the process and call `train` again
    with the same `run_dir`: weights, optimizer state, loss normalisers and the
    step and epoch counters come back; see `TrainingCheckpoint`), an exact
    step budget, a stop at the first NaN or inf loss, TensorBoard logs in
    `run_dir/logs`, the paper's quadruplet pictures in `run_dir/pictures`, a
    time budget that counts earlier interrupted processes, and the final model
    in `run_dir/model.keras`.

    Args:
        model: a compiled `LandmarkModel`.
        pairs: `tf.data.Dataset` of pair dicts {"source", "target", "mask"},
            unbatched (batched here) or batched; it is repeated.
        run_dir: folder for checkpoints, logs, pictures and the model.
        steps: int or None. Total optimisation steps, earlier processes of
            the run included; the last epoch is cut short to end there.
        max_minutes: float or None. Total training time budget.
        batch_size: int, default 16. Ignored for a batched dataset.
        steps_per_epoch: int, default 100. Checkpoints and pictures are written
            per epoch.
        preview_every: int, default 1. Epochs between pictures; 0 for none.
        num_preview: int, default 6. Pairs in each picture.
        verbose: as `fit`'s; default `"auto"`: a progress bar on a terminal,
            one line per epoch otherwise (`fit_verbosity`).
        callbacks: extra Keras callbacks.

    Returns:
        The `History`, or None if the run had already made its `steps` or
        used its `max_minutes`.

    Raises:
        ValueError: bad arguments, or a checkpoint in `run_dir/backup` that
            cannot be resumed (damaged, or another model configuration).
        NonFiniteLossError: (a ValueError) the loss became NaN or inf; the
            last good checkpoint and `model.keras` are kept.
    """
    if steps is None and max_minutes is None:
        raise ValueError("Give `steps`, `max_minutes` or both to bound the run.")
    if steps is not None and (not is_integer(steps) or steps < 1):
        raise ValueError(f"`steps` must be an int >= 1. Received: steps={steps!r}")
    if not is_integer(steps_per_epoch) or steps_per_epoch < 1:
        raise ValueError(
            "`steps_per_epoch` must be an int >= 1. "
            f"Received: steps_per_epoch={steps_per_epoch!r}"
        )
    if getattr(model, "optimizer", None) is None:
        raise ValueError("Compile the model before `train` (model.compile()).")
    _check_pairs(pairs)
    run_dir = os.fspath(run_dir)
    os.makedirs(run_dir, exist_ok=True)
    checkpoint = TrainingCheckpoint(os.path.join(run_dir, CHECKPOINT_DIRNAME))
    resumed = checkpoint.restore(model)
    initial_epoch, done = (0, 0) if resumed is None else (resumed.epoch, resumed.step)
    if resumed is not None:
        logger.info("Resuming %s at step %d (epoch %d)", run_dir, done, initial_epoch)
    budget = []
    if steps is None:
        epochs = initial_epoch + 99_999  # bounded by the time budget
    else:
        remaining = int(steps) - done
        if remaining <= 0:
            logger.info("%s has made its %d steps already.", run_dir, done)
            if not os.path.exists(os.path.join(run_dir, MODEL_FILENAME)):
                _save_model(model, run_dir)
            return None
        epochs = initial_epoch + math.ceil(remaining / steps_per_epoch)
        steps_per_epoch = min(int(steps_per_epoch), remaining)
        budget.append(StepBudget(int(steps)))
    time_budget = TimeBudget(
        None if max_minutes is None else 60.0 * max_minutes,
        os.path.join(checkpoint.directory, "time_budget.json"),
    )
    if time_budget.spent():
        logger.info(
            "%s has trained its %s minutes already (step %d).",
            run_dir,
            max_minutes,
            done,
        )
        if not os.path.exists(os.path.join(run_dir, MODEL_FILENAME)):
            _save_model(model, run_dir)
        return None
    all_callbacks = [
        # First: a NaN loss stops before any other callback sees the weights.
        StopOnNonFiniteLoss(),
        *budget,
        SaveCheckpoint(checkpoint),
        time_budget,
        keras.callbacks.TensorBoard(os.path.join(run_dir, "logs"), write_graph=False),
    ]
    if preview_every:
        unbatched = pairs.unbatch() if _is_batched(pairs) else pairs
        preview = first_pairs(unbatched, num_preview)
        all_callbacks.append(
            PreviewPictures(preview, os.path.join(run_dir, "pictures"), preview_every)
        )
    all_callbacks.extend(callbacks)
    history = model.fit(
        _batches(pairs, batch_size),
        epochs=epochs,
        initial_epoch=initial_epoch,
        steps_per_epoch=steps_per_epoch,
        callbacks=all_callbacks,
        verbose=fit_verbosity(verbose),
        shuffle=False,  # tf.data: shuffled (or not) by the caller
    )
    _save_model(model, run_dir)
    return history


def _save_model(model, run_dir):
    # Written aside, then renamed: a kill never leaves a cut model.keras.
    partial = os.path.join(run_dir, f"incomplete.{MODEL_FILENAME}")
    model.save(partial)
    os.replace(partial, os.path.join(run_dir, MODEL_FILENAME))


def _is_batched(pairs):
    return len(pairs.element_spec["source"].shape) == 4
