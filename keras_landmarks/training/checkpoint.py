"""The resumable training state: two verified copies that a kill cannot corrupt.

`keras.callbacks.BackupAndRestore` writes its weights file in place: a kill or
a full disk during the write leaves a cut file that the next run either fails
to open (an h5py error naming nothing) or loads in part (one UserWarning, a
reset optimizer and a wrong step count). Here each save writes the weights to
a temporary file, renames it into place and then commits it by replacing
`training_metadata.json` atomically; the metadata lists the newest and the
previous copy with their size and SHA-256. A restore loads the newest copy that
verifies, and refuses, with a message naming the file and what to do, a
checkpoint it cannot load fully or one written by another model configuration.
"""

import dataclasses
import json
import logging
import os
import warnings

import keras
import numpy as np

from keras_landmarks.file_digest import sha256_of_file
from keras_landmarks.training.callbacks import NonFiniteLossError

logger = logging.getLogger(__name__)

METADATA_FILENAME = "training_metadata.json"
# Version of the metadata layout below; `BackupAndRestore`'s has no version.
FORMAT_VERSION = 1
# The copies kept: the newest and the one before it (the fallback).
COPIES = 2
# What `keras.callbacks.BackupAndRestore` wrote (runs started before this
# module); resumed once, then replaced by the verified copies.
LEGACY_WEIGHTS_FILENAME = "latest.weights.h5"
_PARTIAL_WEIGHTS_FILENAME = "incomplete.weights.h5"
_COPY_KEYS = {"epoch", "step", "weights", "bytes", "sha256"}
# Config entries that do not change what a checkpoint holds.
_IGNORED_CONFIG_KEYS = ("name", "dtype", "trainable")


@dataclasses.dataclass(frozen=True)
class ResumePoint:
    """Where a restored run continues.

    Attributes:
        epoch: int, epochs completed (the `initial_epoch` of `fit`).
        step: int, optimizer steps completed.
        path: str, the weights file that was loaded.
    """

    epoch: int
    step: int
    path: str


class TrainingCheckpoint:
    """Saves and restores model weights, optimizer state and the epoch counter.

    Args:
        directory: folder of the checkpoint (e.g. `run_dir/backup`); it may
            hold other small files of the run (`time_budget.json`).

    Example:

    >>> checkpoint = TrainingCheckpoint("run/backup")
    >>> point = checkpoint.restore(model)  # None for a new run
    >>> model.fit(..., initial_epoch=point.epoch if point else 0)
    >>> checkpoint.save(model, epoch=3)
    """

    def __init__(self, directory):
        self.directory = os.fspath(directory)
        self.metadata_path = os.path.join(self.directory, METADATA_FILENAME)

    def save(self, model, epoch):
        """Writes a new copy of `model`'s state after `epoch` epochs.

        The previous copy stays until the next save, so a write cut by a kill
        or a full disk leaves the last two committed copies untouched.
        """
        os.makedirs(self.directory, exist_ok=True)
        step = _optimizer_step(model)
        partial = os.path.join(self.directory, _PARTIAL_WEIGHTS_FILENAME)
        model.save_weights(partial, overwrite=True)
        _fsync_file(partial)
        name = f"step_{step:09d}.weights.h5"
        os.replace(partial, os.path.join(self.directory, name))
        newest = {
            "epoch": int(epoch),
            "step": step,
            "weights": name,
            "bytes": os.path.getsize(os.path.join(self.directory, name)),
            "sha256": sha256_of_file(os.path.join(self.directory, name)),
        }
        # Copies after this step were abandoned by a resume from an older one.
        previous = [c for c in self._committed_copies() if c["step"] < step]
        copies = [newest, *previous]
        metadata = {
            "format": FORMAT_VERSION,
            # `epoch` and `step` of the newest copy, for people reading the file.
            "epoch": newest["epoch"],
            "step": step,
            "copies": copies[:COPIES],
            "model": _model_signature(model),
        }
        _write_json_atomically(self.metadata_path, metadata)
        self._remove_uncommitted({c["weights"] for c in metadata["copies"]})

    def restore(self, model):
        """Loads the newest good copy into `model`; None when there is none yet.

        Raises:
            ValueError: naming the file and what to do, when the metadata is
                unreadable, no copy verifies or loads fully, or the checkpoint
                was written by a model of another configuration.
        """
        if not os.path.exists(self.metadata_path):
            if os.path.exists(os.path.join(self.directory, LEGACY_WEIGHTS_FILENAME)):
                raise self._refusal(
                    f"{self.metadata_path} is missing next to the weights, so the "
                    "epoch to resume from is unknown"
                )
            return None
        metadata = self._read_metadata()
        if "format" not in metadata:
            return self._restore_legacy(model, metadata)
        if metadata["format"] != FORMAT_VERSION:
            raise self._refusal(
                f"{self.metadata_path} has format {metadata['format']!r}; this "
                f"version of keras-landmarks reads format {FORMAT_VERSION}"
            )
        _check_same_model(metadata["model"], _model_signature(model), self)
        problems = []
        for copy in metadata["copies"]:
            path = os.path.join(self.directory, copy["weights"])
            problem = _verify(path, copy)
            if problem is None:
                problem = _load_fully(model, path)
            if problem is None:
                step = _optimizer_step(model)
                if step != copy["step"]:
                    problem = (
                        f"{path} restored the optimizer at step {step}, but it "
                        f"was saved at step {copy['step']}"
                    )
            if problem is None:
                if problems:
                    logger.warning(
                        "Resuming from the previous checkpoint copy %s (step %d): %s",
                        path,
                        copy["step"],
                        "; ".join(problems),
                    )
                return ResumePoint(copy["epoch"], copy["step"], path)
            problems.append(problem)
        raise self._refusal("no checkpoint copy loads fully: " + "; ".join(problems))

    def _restore_legacy(self, model, metadata):
        # `BackupAndRestore`'s {"epoch", "batch"} next to latest.weights.h5.
        path = os.path.join(self.directory, LEGACY_WEIGHTS_FILENAME)
        if not isinstance(metadata.get("epoch"), int) or not os.path.exists(path):
            raise self._refusal(
                f"{self.metadata_path} is neither a keras-landmarks checkpoint nor "
                f"a Keras BackupAndRestore one with {path}"
            )
        problem = _load_fully(model, path)
        if problem is not None:
            raise self._refusal(problem)
        return ResumePoint(metadata["epoch"], _optimizer_step(model), path)

    def _read_metadata(self):
        try:
            with open(self.metadata_path) as f:
                metadata = json.load(f)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise self._refusal(
                f"{self.metadata_path} is unreadable ({error})"
            ) from None
        if not isinstance(metadata, dict):
            raise self._refusal(f"{self.metadata_path} does not hold a JSON object")
        if "format" in metadata and not (
            isinstance(metadata.get("model"), dict)
            and isinstance(metadata.get("copies"), list)
            and all(
                isinstance(c, dict) and _COPY_KEYS <= set(c) for c in metadata["copies"]
            )
        ):
            raise self._refusal(
                f"{self.metadata_path} does not describe checkpoint copies"
            )
        return metadata

    def _committed_copies(self):
        if not os.path.exists(self.metadata_path):
            return []
        try:
            with open(self.metadata_path) as f:
                copies = json.load(f)["copies"]
            return [c for c in copies if _COPY_KEYS <= set(c)]
        except (OSError, ValueError, TypeError, KeyError):
            return []  # unreadable: the new copy replaces it

    def _remove_uncommitted(self, keep):
        for name in os.listdir(self.directory):
            if name.endswith(".weights.h5") and name not in keep:
                os.remove(os.path.join(self.directory, name))
        for name in (f"{LEGACY_WEIGHTS_FILENAME}.bkp", f"{METADATA_FILENAME}.bkp"):
            if os.path.exists(os.path.join(self.directory, name)):
                os.remove(os.path.join(self.directory, name))

    def _refusal(self, problem):
        return ValueError(
            f"Cannot resume the run in {self.directory}: {problem}. To start "
            f"over, delete {self.directory} (or the whole run folder), or train "
            "into another run folder (--out)."
        )


class SaveCheckpoint(keras.callbacks.Callback):
    """Calls `checkpoint.save` at each epoch end, never with NaN or inf weights.

    Args:
        checkpoint: a `TrainingCheckpoint`.

    Raises:
        NonFiniteLossError: at an epoch end whose loss or weights are not
            finite; the previous checkpoint is kept.
    """

    def __init__(self, checkpoint):
        super().__init__()
        self.checkpoint = checkpoint

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        broken = [] if loss is None or _finite(loss) else [f"the loss is {loss}"]
        if not broken:
            for weight in self.model.weights:
                if not _finite(weight):
                    broken.append(f"weight {weight.path} holds NaN or inf")
                    break
        if broken:
            raise NonFiniteLossError(
                f"Training stopped at the end of epoch {epoch + 1}: "
                f"{broken[0]}. Likely causes: NaN or inf values in the training "
                "images (check the data), or divergence (lower the learning "
                f"rate). Nothing was saved over the checkpoint in "
                f"{self.checkpoint.directory}."
            )
        self.checkpoint.save(self.model, epoch + 1)


def _finite(value):
    return bool(np.isfinite(keras.ops.convert_to_numpy(value)).all())


def _optimizer_step(model):
    return int(keras.ops.convert_to_numpy(model.optimizer.iterations))


def _model_signature(model):
    """What must match for a checkpoint to load: settings and variable shapes."""
    try:
        config = json.loads(json.dumps(model.get_config(), default=repr))
    except NotImplementedError:
        config = {}
    return {
        "class": type(model).__name__,
        "settings": _settings(config),
        "weights": [list(v.shape) for v in model.weights],
        "optimizer": type(model.optimizer).__name__,
        "optimizer_variables": [list(v.shape) for v in _optimizer_variables(model)],
    }


def _optimizer_variables(model):
    optimizer = model.optimizer
    if not optimizer.built:
        # Its slots exist only once built; `fit` would build the same ones.
        optimizer.build(model.trainable_variables)
    return optimizer.variables


def _settings(config):
    """The plain entries of a model config and of its sub-layers' configs.

    `{"num_keypoints": 10, "detector.filters": [32, ...], ...}`. Names, dtypes
    and nested networks (whose configs name auto-numbered layers) are left
    out: the variable shapes cover what they hold.
    """
    settings = {}
    for key, value in config.items():
        if key in _IGNORED_CONFIG_KEYS:
            continue
        if _is_plain(value):
            settings[key] = value
        elif isinstance(value, dict) and isinstance(value.get("config"), dict):
            for sub_key, sub_value in value["config"].items():
                if sub_key not in _IGNORED_CONFIG_KEYS and _is_plain(sub_value):
                    settings[f"{key}.{sub_key}"] = sub_value
    return settings


def _is_plain(value):
    if isinstance(value, list):
        return all(v is None or isinstance(v, (bool, int, float, str)) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


def _check_same_model(saved, current, checkpoint):
    differences = []
    if saved["class"] != current["class"]:
        differences.append(
            f"model class {saved['class']} in the checkpoint, {current['class']} now"
        )
    for key in sorted(set(saved["settings"]) | set(current["settings"])):
        before, now = saved["settings"].get(key), current["settings"].get(key)
        if before != now:
            differences.append(f"{key}: {before!r} in the checkpoint, {now!r} now")
    if saved["optimizer"] != current["optimizer"]:
        differences.append(
            f"optimizer {saved['optimizer']} in the checkpoint, "
            f"{current['optimizer']} now"
        )
    if not differences:
        for what in ("weights", "optimizer_variables"):
            if saved[what] != current[what]:
                differences.append(
                    f"{len(saved[what])} {what.replace('_', ' ')} in the "
                    f"checkpoint, {len(current[what])} now, or of other shapes"
                )
    if differences:
        raise checkpoint._refusal(
            "it was written by a model of another configuration ("
            + "; ".join(differences)
            + "). Resume with the settings the run was started with"
        )


def _verify(path, copy):
    if not os.path.exists(path):
        return f"{path} is missing"
    size = os.path.getsize(path)
    if size != copy["bytes"]:
        return f"{path} is cut or damaged ({size} bytes, {copy['bytes']} written)"
    if sha256_of_file(path) != copy["sha256"]:
        return f"{path} is damaged (its SHA-256 differs from the one written)"
    return None


def _load_fully(model, path):
    """Loads `path` into `model`; returns what went wrong, or None."""
    _optimizer_variables(model)  # so that the optimizer state loads too
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.load_weights(path)
    except Exception as error:  # h5py and Keras raise many kinds; all refused
        return f"{path} does not load ({type(error).__name__}: {error})"
    skipped = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    if skipped:
        return f"{path} loads only in part ({skipped[0].strip()})"
    return None


def _fsync_file(path):
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _write_json_atomically(path, value):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
