"""Starting a run from a trained model: fine-tuning.

The paper fine-tunes its CelebA detector on AFLW this way. `model_to_fine_tune`
is the one place that turns `train --init-from SOURCE` into a compiled model;
SOURCE is a `.keras` file, a shipped preset's name or a preset folder.
"""

import os

from keras_landmarks.export.detector import load_landmark_model
from keras_landmarks.presets.registry import load_preset


def model_to_fine_tune(source, make_optimizer, learning_rate=None):
    """A trained `LandmarkModel`, compiled, ready to train further.

    A `.keras` file saved from a compiled model (as `train` saves it) holds
    the optimizer's state (Adam's moments, the step counter): it is restored,
    so training goes on where it stopped. A file without one, and a preset
    (which holds no optimizer state), is compiled with `make_optimizer()`.

    Args:
        source: path of a `.keras` file, a preset name (`kl.presets.list()`)
            or a preset folder.
        make_optimizer: callable `(learning_rate)` or `()` giving a Keras
            optimizer, for a file saved without one (e.g. `cpu_optimizer`).
        learning_rate: optional float, the learning rate from now on
            (default: the saved optimizer's, or `make_optimizer`'s default).

    Returns:
        The compiled model; `model.optimizer.iterations` counts the steps it
        was trained before.

    Raises:
        ValueError: no model at `source`, a damaged file, or a bad rate.

    Example:

    >>> model = model_to_fine_tune("runs/faces/model.keras", cpu_optimizer, 5e-4)
    """
    if learning_rate is not None and not learning_rate > 0:
        raise ValueError(
            f"`learning_rate` must be > 0. Received: learning_rate={learning_rate!r}"
        )
    model = load_landmark_model_or_preset(source)
    if getattr(model, "optimizer", None) is None:
        rate = {} if learning_rate is None else {"learning_rate": learning_rate}
        model.compile(optimizer=make_optimizer(**rate))
    elif learning_rate is not None:
        model.compile(
            optimizer=_with_learning_rate(model.optimizer, model, learning_rate)
        )
    return model


def _with_learning_rate(optimizer, model, learning_rate):
    # A saved schedule (the reference's decay) cannot take a new float, so
    # the optimizer is made again from its config and its state copied over.
    config = optimizer.get_config()
    config["learning_rate"] = learning_rate
    fresh = optimizer.__class__.from_config(config)
    fresh.build(model.trainable_variables)
    saved = {variable.path: variable for variable in optimizer.variables}
    for variable in fresh.variables:
        if variable.path in saved and "learning_rate" not in variable.path:
            variable.assign(saved[variable.path])
    return fresh


def load_landmark_model_or_preset(source):
    """A `LandmarkModel` from a `.keras` file or a preset handle.

    What `train --init-from` starts from: a `.keras` file saved by
    `model.save` or `keras-landmarks train` (loaded in safe mode, with its
    optimizer state), or anything `presets.load_preset` takes (uncompiled).

    Raises:
        ValueError: see `load_landmark_model` and `load_preset`.
    """
    if os.fspath(source).endswith(".keras"):
        return load_landmark_model(source)
    return load_preset(source)
