"""A preset folder: a model's config, weights and metadata, in keras-hub's layout.

```
PRESET/
  config.json        keras.saving.serialize_keras_object(model), without the
                     compile and build configs (a preset is an architecture
                     and weights; the caller compiles for fine-tuning)
  model.weights.h5   the model's variables (no optimizer state)
  metadata.json      how it was trained and how well it does (preset_metadata)
  README.md          optional, for people
```

`config.json` with `model.weights.h5` is also the folder layout that
`keras.saving.load_model(folder)` and `load_model("hf://owner/name")` read.
"""

import json
import os
import shutil
import tempfile

import keras

from keras_landmarks.file_digest import sha256_of_file
from keras_landmarks.presets.preset_metadata import check_metadata
from keras_landmarks.presets.preset_metadata import model_facts

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
README_FILE = "README.md"
# Keras' serialisation entries a preset leaves out (keras-hub leaves them out too).
SKIPPED_CONFIG_ENTRIES = ("compile_config", "build_config")


def save_to_preset(model, preset_dir, metadata, readme=None, overwrite=False):
    """Writes `model` as a preset folder: config, weights, metadata, README.

    The folder is written under a temporary name beside `preset_dir` and
    renamed into place, so a reader never sees a half-written preset.

    Args:
        model: a built `LandmarkModel`.
        preset_dir: the folder to write (new, or replaced with `overwrite`).
        metadata: dict with the entries of `preset_metadata.REQUIRED_ENTRIES`
            (training data, command, steps, time, measured evaluation) and any
            others; the versions, parameter counts, date, image size, keypoint
            count and the weights' size and SHA-256 are added here.
        readme: optional str, written as `README.md`.
        overwrite: bool, default False. Replace an existing `preset_dir`.

    Returns:
        The metadata written (a new dict).

    Raises:
        ValueError: not a LandmarkModel, incomplete metadata, or an existing
            `preset_dir` without `overwrite`.
    """
    if not is_landmark_model(model):
        raise ValueError(
            "save_to_preset saves a keras_landmarks LandmarkModel. Received: "
            f"{type(model).__name__}"
        )
    check_metadata(metadata)
    preset_dir = os.path.abspath(os.fspath(preset_dir))
    if os.path.exists(preset_dir) and not overwrite:
        raise ValueError(f"{preset_dir} exists; pass overwrite=True to replace it.")
    parent = os.path.dirname(preset_dir)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".preset-", dir=parent)
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp's folder is private
        config = keras.saving.serialize_keras_object(model)
        for key in SKIPPED_CONFIG_ENTRIES:
            config.pop(key, None)
        with open(os.path.join(staging, CONFIG_FILE), "w") as f:
            json.dump(config, f, indent=2)
        weights = os.path.join(staging, WEIGHTS_FILE)
        _save_model_variables(model, weights)
        written = {
            **model_facts(model),
            "weights_bytes": os.path.getsize(weights),
            "weights_sha256": sha256_of_file(weights),
            **metadata,
        }
        with open(os.path.join(staging, METADATA_FILE), "w") as f:
            json.dump(written, f, indent=2, allow_nan=False)
        if readme is not None:
            with open(os.path.join(staging, README_FILE), "w") as f:
                f.write(readme)
        _rename_into_place(staging, preset_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _rename_into_place(staging, preset_dir):
    # An existing preset is moved aside first (a folder cannot be renamed over
    # a non-empty one) and put back if the new one cannot take its place.
    old = None
    if os.path.exists(preset_dir):
        old = f"{staging}-old"
        os.rename(preset_dir, old)
    try:
        os.rename(staging, preset_dir)
    except BaseException:
        if old is not None:
            os.rename(old, preset_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _save_model_variables(model, path):
    # A preset holds the model's own variables only: `save_weights` of a
    # compiled model also writes the optimizer's slots (twice the model's size
    # for Adam). An uncompiled copy of the same configuration, holding the same
    # values, writes just the model's (public API only).
    copy = model.__class__.from_config(model.get_config())
    copy.set_weights(model.get_weights())
    copy.save_weights(path)


def read_metadata(preset_dir):
    """The dict in `preset_dir/metadata.json`.

    Raises:
        ValueError: no metadata file, or one that is not JSON.
    """
    path = os.path.join(os.fspath(preset_dir), METADATA_FILE)
    if not os.path.isfile(path):
        raise ValueError(f"{preset_dir} has no {METADATA_FILE}")
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from None


def load_preset_folder(preset_dir):
    """The `LandmarkModel` of a local preset folder, uncompiled.

    The configuration is deserialised in Keras' safe mode (no code in it
    runs). When `metadata.json` records the weights' SHA-256, a weights file
    that does not match it (cut, damaged, replaced) is an error.

    Raises:
        ValueError: a missing file, weights that do not match the metadata or
            the configuration, or a model that is not a LandmarkModel.
    """
    preset_dir = os.fspath(preset_dir)
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        if not os.path.isfile(os.path.join(preset_dir, name)):
            raise ValueError(
                f"{preset_dir} is not a preset: it has no {name} (a preset "
                f"folder holds {CONFIG_FILE}, {WEIGHTS_FILE} and {METADATA_FILE})"
            )
    weights = os.path.join(preset_dir, WEIGHTS_FILE)
    if os.path.isfile(os.path.join(preset_dir, METADATA_FILE)):
        expected = read_metadata(preset_dir).get("weights_sha256")
        if expected is not None and sha256_of_file(weights) != expected:
            raise ValueError(
                f"{weights} does not match the SHA-256 in its {METADATA_FILE} "
                "(cut short, damaged or replaced); restore the preset's files"
            )
    with open(os.path.join(preset_dir, CONFIG_FILE)) as f:
        try:
            config = json.load(f)
        except json.JSONDecodeError as error:
            raise ValueError(f"{preset_dir}/{CONFIG_FILE}: not JSON: {error}") from None
    # keras_landmarks/__init__.py, run before any of its submodules, has
    # registered the classes the configuration names.
    model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    if not is_landmark_model(model):
        raise ValueError(
            f"{preset_dir} holds a {type(model).__name__}, not a keras_landmarks "
            "LandmarkModel"
        )
    model.load_weights(weights)
    return model


def is_landmark_model(model):
    """Whether `model` is a keras_landmarks `LandmarkModel` (or a subclass).

    Told by its class hierarchy's names, so that this package does not import
    `models/` (which loads presets through it: `LandmarkModel.from_preset`).
    """
    return any(
        cls.__name__ == "LandmarkModel"
        and cls.__module__ == "keras_landmarks.models.landmark_model"
        for cls in type(model).__mro__
    )
