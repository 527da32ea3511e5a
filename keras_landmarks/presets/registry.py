"""The presets shipped in the package, and what a preset handle names.

A handle is one of:

- a shipped preset's name (`known_presets()`, e.g. `"synthetic_faces"`): a
  folder beside this file, installed with the package (package data);
- a local preset folder (`config.json`, `model.weights.h5`, `metadata.json`);
- `"hf://OWNER/NAME"`: a Hugging Face Hub model repository, handed to Keras'
  own loader, `keras.saving.load_model`, which in Keras 3.15.1 downloads it
  with `huggingface_hub.snapshot_download` (install `huggingface_hub`) and
  reads the same `config.json` + `model.weights.h5` layout. The metadata stays
  on the Hub; it is not checked.
- `"kaggle://..."` is refused with a ValueError: Keras 3.15.1 has no Kaggle
  loader (keras-hub's goes through `kagglehub`, which is not a dependency).
  Download the folder with `kagglehub.model_download(...)` and pass its path.
"""

import os
from pathlib import Path

from keras_landmarks.presets.preset_files import CONFIG_FILE
from keras_landmarks.presets.preset_files import is_landmark_model
from keras_landmarks.presets.preset_files import load_preset_folder
from keras_landmarks.presets.preset_files import read_metadata

# The shipped presets are the sub-folders of this package that hold a config.
SHIPPED_DIR = Path(__file__).resolve().parent
HUGGING_FACE_PREFIX = "hf://"
KAGGLE_PREFIX = "kaggle://"


def known_presets():
    """Sorted names of the presets shipped in the package."""
    return sorted(
        entry.name for entry in SHIPPED_DIR.iterdir() if (entry / CONFIG_FILE).is_file()
    )


def preset_folder(preset):
    """The local folder of a shipped preset's name or of a preset path.

    Raises:
        ValueError: neither a known name nor a folder; the message lists the
            known presets.
    """
    text = os.fspath(preset)
    if text in known_presets():
        return SHIPPED_DIR / text
    if os.path.isdir(text):
        return Path(text)
    raise ValueError(
        f"Unknown preset {text!r}. Known presets: {', '.join(known_presets())}. "
        "Or give a preset folder (config.json, model.weights.h5, metadata.json) "
        f"or a Hugging Face handle {HUGGING_FACE_PREFIX}OWNER/NAME."
    )


def load_preset(preset):
    """The `LandmarkModel` a preset handle names, uncompiled.

    Args:
        preset: a shipped preset's name, a preset folder, or `hf://OWNER/NAME`
            (see the module docstring; `kaggle://` is refused).

    Raises:
        ValueError: an unknown name (the message lists the known ones), a
            `kaggle://` handle, or files that are not a LandmarkModel preset.
    """
    text = os.fspath(preset)
    if text.startswith(KAGGLE_PREFIX):
        raise ValueError(
            f"{text}: Keras {_keras_version()} has no kaggle:// loader (keras-hub's "
            "uses kagglehub, not a dependency of keras-landmarks). Download the "
            "preset folder with kagglehub.model_download(...) and pass its path."
        )
    if text.startswith(HUGGING_FACE_PREFIX):
        return _load_from_hugging_face(text)
    return load_preset_folder(preset_folder(text))


def _keras_version():
    import keras

    return keras.__version__


def _load_from_hugging_face(handle):
    import keras

    model = keras.saving.load_model(handle, compile=False, safe_mode=True)
    if not is_landmark_model(model):
        raise ValueError(
            f"{handle} holds a {type(model).__name__}, not a keras_landmarks "
            "LandmarkModel"
        )
    return model


def evaluation_summary(evaluation):
    """`"metric: trained (baseline value, ...)"` per entry with an `overall`."""
    parts = []
    for name, entry in evaluation.items():
        overall = entry.get("overall") if isinstance(entry, dict) else None
        if not overall:
            continue
        values = dict(overall)
        headline = values.pop("trained detector", None)
        baselines = ", ".join(f"{key} {value:.2f}" for key, value in values.items())
        head = "" if headline is None else f"{headline:.2f} "
        parts.append(f"{name}, {entry.get('metric', '')}: {head}({baselines})")
    return "; ".join(parts)


def list_presets():
    """One line per shipped preset: name, what it is, its size and numbers.

    Example:

    >>> import keras_landmarks as kl
    >>> print("\\n".join(kl.presets.list()))
    """
    lines = []
    for name in known_presets():
        metadata = read_metadata(SHIPPED_DIR / name)
        height, width = metadata["image_size"]
        summary = evaluation_summary(metadata["evaluation"])
        lines.append(
            f"{name}: {metadata['description']} K={metadata['num_keypoints']}, "
            f"{height}x{width}, {metadata['parameter_count']:,} parameters"
            + (f"; {summary}" if summary else "")
        )
    return lines
