"""What a preset's `metadata.json` holds: how the model was made and how well it does.

Two kinds of entries. The caller of `save_to_preset` says what only they
know (`REQUIRED_ENTRIES`: the training data, the exact command, its steps and
time, the measured evaluation). `save_to_preset` adds the facts it can read
off the model and the files (`FACT_ENTRIES`: library and Keras versions,
parameter count, date, image size, keypoint count, the weights' size and
SHA-256), so they cannot be mistyped.
"""

import datetime

import keras

from keras_landmarks.version import __version__

# What the caller of `save_to_preset` must give, with what each means.
REQUIRED_ENTRIES = {
    "description": "one line: what the preset detects",
    "training_data": "what it was trained on (dataset, split, image size, pairs)",
    "command": "the exact command that trained it",
    "steps": "training steps (int)",
    "train_seconds": "training time in seconds (number)",
    "evaluation": "measured numbers with their baselines (dict; {} if none)",
}
# What `save_to_preset` writes itself; a caller may not give these.
FACT_ENTRIES = (
    "class_name",
    "keras_landmarks_version",
    "keras_version",
    "backend",
    "parameter_count",
    "detector_parameter_count",
    "date_saved",
    "image_size",
    "num_keypoints",
    "weights_bytes",
    "weights_sha256",
)


def check_metadata(metadata):
    """Raises a ValueError naming what is missing or mistyped in `metadata`.

    Args:
        metadata: dict with every key of `REQUIRED_ENTRIES`; may hold more
            (hardware, precision, commit, ...), but none of `FACT_ENTRIES`.
    """
    if not isinstance(metadata, dict):
        raise ValueError(
            f"`metadata` must be a dict. Received: metadata={type(metadata).__name__}"
        )
    missing = [key for key in REQUIRED_ENTRIES if key not in metadata]
    if missing:
        wanted = "; ".join(f"{key}: {REQUIRED_ENTRIES[key]}" for key in missing)
        raise ValueError(f"`metadata` lacks {missing} ({wanted})")
    facts = [key for key in FACT_ENTRIES if key in metadata]
    if facts:
        raise ValueError(
            f"`metadata` gives {facts}, which save_to_preset reads off the model "
            "and its files; leave them out"
        )
    if not isinstance(metadata["steps"], int) or metadata["steps"] < 0:
        raise ValueError(
            "`metadata['steps']` must be an int >= 0. Received: "
            f"steps={metadata['steps']!r}"
        )
    seconds = metadata["train_seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError(
            "`metadata['train_seconds']` must be a number. Received: "
            f"train_seconds={seconds!r}"
        )
    if not isinstance(metadata["evaluation"], dict):
        raise ValueError(
            "`metadata['evaluation']` must be a dict (the measured numbers with "
            f"their baselines). Received: evaluation={metadata['evaluation']!r}"
        )
    for key in ("description", "training_data", "command"):
        if not isinstance(metadata[key], str) or not metadata[key].strip():
            raise ValueError(
                f"`metadata['{key}']` must be a non-empty string "
                f"({REQUIRED_ENTRIES[key]}). Received: {key}={metadata[key]!r}"
            )


def model_facts(model):
    """The `FACT_ENTRIES` that come from the model itself (not its files)."""
    return {
        "class_name": type(model).__name__,
        "keras_landmarks_version": __version__,
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "parameter_count": int(model.count_params()),
        "detector_parameter_count": int(model.detector.count_params()),
        "date_saved": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M:%S UTC"
        ),
        "image_size": [int(s) for s in model.image_size],
        "num_keypoints": int(model.num_keypoints),
    }


def run_provenance(results, trained, shipped, command, commit, hardware, when):
    """The metadata entries that say which run made a preset, and how.

    Args:
        results: the run's `results.json` (`run_and_evaluate`: "steps",
            "train_seconds_this_process", "backend", "config").
        trained: the model as the run saved it (its precision policy).
        shipped: the model the preset holds (usually `float32_copy(trained)`).
        command: the exact command that trained it.
        commit, hardware, when: what the run does not record: the code's
            commit, the machine, the date and time.

    Returns:
        dict with "command", "steps", "train_seconds" (required entries) and
        "code_commit", "hardware", "trained", "training_backend",
        "training_precision", "dtype", "run_config".
    """
    return {
        "command": command,
        "steps": results["steps"],
        "train_seconds": results["train_seconds_this_process"],
        "code_commit": commit,
        "hardware": hardware,
        "trained": when,
        "training_backend": results["backend"],
        "training_precision": trained.dtype_policy.name,
        "dtype": shipped.dtype_policy.name,
        "run_config": results["config"],
    }
