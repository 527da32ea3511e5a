"""Shared by the preset tests: a tiny model saved as a preset."""

import numpy as np

from keras_landmarks.presets import save_to_preset
from tests.helpers import tiny_model


def tiny_metadata():
    """Every entry `save_to_preset` requires, for an untrained test model."""
    return {
        "description": "A tiny untrained test model.",
        "training_data": "none (initialised from seed 0)",
        "command": "tests.helpers.tiny_model()",
        "steps": 0,
        "train_seconds": 0.0,
        "evaluation": {},
    }


def tiny_preset(folder):
    """`tiny_model()` saved as a preset in `folder`; returns the model."""
    model = tiny_model()
    save_to_preset(model, folder, tiny_metadata())
    return model


def set_every_variable(model, seed=0):
    """Gives every variable (batch-norm statistics too) new values, in place.

    A stand-in for training (a `fit` step costs tens of seconds to compile):
    a round trip that dropped any variable would change the outputs. Values
    in [0.5, 1.5] keep variances positive.
    """
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        variable.assign(rng.uniform(0.5, 1.5, variable.shape).astype("float32"))
