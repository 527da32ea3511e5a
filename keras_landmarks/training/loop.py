"""`train`: model.fit with checkpoints, resume, TensorBoard, pictures, a time budget."""

import logging
import math
import os

import keras
import numpy as np
import tensorflow as tf

from keras_landmarks.training.callbacks import PreviewPictures
from keras_landmarks.training.callbacks import TimeBudget

logger = logging.getLogger(__name__)

MODEL_FILENAME = "model.keras"
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
    keep = [k for k in ("source", "target", "mask", "source_grid") if k in spec]
    pairs = pairs.map(lambda pair: {k: pair[k] for k in keep})
    if len(spec["source"].shape) == 3:
        pairs = pairs.batch(batch_size, drop_remainder=True)
    return pairs.repeat().prefetch(tf.data.AUTOTUNE)


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

    Everything a long run needs around `model.fit`: `BackupAndRestore` at every
    epoch end (kill the process and call `train` again with the same `run_dir`:
    weights, optimizer state, loss normalisers and the epoch counter come back),
    TensorBoard logs in `run_dir/logs`, the paper's quadruplet pictures in
    `run_dir/pictures`, a time budget that counts earlier interrupted processes,
    and the final model in `run_dir/model.keras`.

    Args:
        model: a compiled `LandmarkModel`.
        pairs: `tf.data.Dataset` of pair dicts {"source", "target", "mask"},
            unbatched (batched here) or batched; it is repeated.
        run_dir: folder for checkpoints, logs, pictures and the model.
        steps: int or None. Total optimisation steps.
        max_minutes: float or None. Total training time budget.
        batch_size: int, default 16. Ignored for a batched dataset.
        steps_per_epoch: int, default 100. Checkpoints and pictures are written
            per epoch.
        preview_every: int, default 1. Epochs between pictures; 0 for none.
        num_preview: int, default 6. Pairs in each picture.
        verbose: as `fit`'s (progress bar by default).
        callbacks: extra Keras callbacks.

    Returns:
        The `History`, or None if the run had already finished.
    """
    if steps is None and max_minutes is None:
        raise ValueError("Give `steps`, `max_minutes` or both to bound the run.")
    if steps is not None and steps < 1:
        raise ValueError(f"`steps` must be >= 1. Received: steps={steps}")
    if steps_per_epoch < 1:
        raise ValueError(
            "`steps_per_epoch` must be >= 1. "
            f"Received: steps_per_epoch={steps_per_epoch}"
        )
    if getattr(model, "optimizer", None) is None:
        raise ValueError("Compile the model before `train` (model.compile()).")
    _check_pairs(pairs)
    run_dir = os.fspath(run_dir)
    os.makedirs(run_dir, exist_ok=True)
    if steps is None:
        epochs = 99_999  # bounded by the time budget (10M steps at 100 per epoch)
    else:
        epochs = math.ceil(steps / steps_per_epoch)
        steps_per_epoch = min(steps_per_epoch, steps)
    all_callbacks = [
        keras.callbacks.BackupAndRestore(
            os.path.join(run_dir, "backup"), save_freq="epoch", delete_checkpoint=False
        ),
        TimeBudget(
            None if max_minutes is None else 60.0 * max_minutes,
            os.path.join(run_dir, "backup", "time_budget.json"),
        ),
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
        steps_per_epoch=steps_per_epoch,
        callbacks=all_callbacks,
        verbose=verbose,
        shuffle=False,  # tf.data: shuffled (or not) by the caller
    )
    model.save(os.path.join(run_dir, MODEL_FILENAME))
    return history


def _is_batched(pairs):
    return len(pairs.element_spec["source"].shape) == 4
