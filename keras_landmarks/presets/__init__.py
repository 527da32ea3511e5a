"""Trained models shipped by name, with how they were trained and how well they do.

>>> import keras_landmarks as kl
>>> print("\\n".join(kl.presets.list()))  # one line per shipped preset
>>> model = kl.models.LandmarkModel.from_preset("synthetic_faces")
>>> detector = kl.models.KeypointDetector.from_preset("synthetic_faces")  # inference
>>> kl.presets.save_to_preset(model, "presets/mine", metadata)  # your own

The folder layout (`preset_files`) is keras-hub's; the metadata
(`preset_metadata`) records the training data, the command, steps, time and
the measured numbers; `registry` knows the shipped presets and the handles
(name, folder, `hf://`).
"""

from keras_landmarks.presets.preset_files import load_preset_folder
from keras_landmarks.presets.preset_files import read_metadata
from keras_landmarks.presets.preset_files import save_to_preset
from keras_landmarks.presets.registry import known_presets
from keras_landmarks.presets.registry import list_presets as list  # noqa: A001
from keras_landmarks.presets.registry import load_preset
from keras_landmarks.presets.registry import preset_folder

__all__ = [
    "known_presets",
    "list",
    "load_preset",
    "load_preset_folder",
    "preset_folder",
    "read_metadata",
    "save_to_preset",
]
