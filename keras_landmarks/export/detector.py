"""One interface over a `.keras` model and a SavedModel: keypoints of images.

Trust: a SavedModel is a program, not data. Loading one runs its TensorFlow
graph, which may read and write files (`tf.io.write_file`) with the rights of
the user. A `.keras` file loads with Keras' `safe_mode` (no code in it runs).
So `load_detector` loads a SavedModel only when the caller says it trusts it
(`trust_saved_model=True`), and `load_landmark_model`, for the commands that
need the full model (evaluate, visualize, export), never loads one.
"""

import os
import zipfile

import numpy as np

from keras_landmarks.export.saved_model import SERVING_SIGNATURE


class SavedModelDetector:
    """Runs the `serving_default` signature of an exported SavedModel.

    Args:
        path: a version folder (`.../<name>/<version>`) or a model folder, in
            which case the highest version is used.
    """

    def __init__(self, path):
        import tensorflow as tf

        path = _version_folder(os.fspath(path))
        self.path = path
        self._signature = tf.saved_model.load(path).signatures[SERVING_SIGNATURE]
        spec = self._signature.structured_input_signature[1]["images"]
        self.image_size = (int(spec.shape[1]), int(spec.shape[2]))
        self.num_keypoints = int(
            self._signature.structured_outputs["keypoints"].shape[1]
        )

    def predict_keypoints(self, images, batch_size=32):
        import tensorflow as tf

        images = np.asarray(images, "float32")
        outputs = [
            self._signature(images=tf.constant(images[i : i + batch_size]))[
                "keypoints"
            ].numpy()
            for i in range(0, len(images), batch_size)
        ]
        if not outputs:
            return np.zeros((0, self.num_keypoints, 2), "float32")
        return np.concatenate(outputs)


def _version_folder(path):
    if os.path.exists(os.path.join(path, "saved_model.pb")):
        return path
    if not os.path.isdir(path):
        raise ValueError(f"No model at {path}: expected a .keras file or a SavedModel.")
    versions = sorted(
        (int(name) for name in os.listdir(path) if name.isdigit()), reverse=True
    )
    for version in versions:
        candidate = os.path.join(path, str(version))
        if os.path.exists(os.path.join(candidate, "saved_model.pb")):
            return candidate
    raise ValueError(
        f"{path} holds no SavedModel: expected saved_model.pb in it or in a "
        "numbered version folder (<name>/<version>/saved_model.pb)."
    )


def load_detector(path, trust_saved_model=False):
    """A `.keras` LandmarkModel or a SavedModel, with `predict_keypoints`.

    Both have `image_size`, `num_keypoints` and `predict_keypoints(images)`
    returning `(N, K, 2)` pixel (x, y).

    Args:
        path: a `.keras` file, or a SavedModel folder.
        trust_saved_model: bool, default False. Load a SavedModel; it runs its
            graph, which can do anything the user can (see the module
            docstring). A `.keras` path does not need it.

    Raises:
        ValueError: no model at `path`, a cut or foreign `.keras` file, or a
            SavedModel without `trust_saved_model=True`.
    """
    path = os.fspath(path)
    if path.endswith(".keras"):
        return load_landmark_model(path)
    if not trust_saved_model:
        _version_folder(path)  # a clear error first when there is no model
        raise ValueError(
            f"{path} is a SavedModel, and a SavedModel is a program: loading it "
            "runs its graph, which can read and write files. Load it only if "
            "you trust where it comes from (detect --trust-saved-model), or "
            "use the .keras file it was exported from."
        )
    return SavedModelDetector(path)


def load_landmark_model(path):
    """Loads a `.keras` LandmarkModel (safe mode), with clear errors.

    Evaluation, pictures and export need the whole model (generator,
    config), which a SavedModel does not hold; this never loads one.

    Raises:
        ValueError: a missing, cut or foreign file, or a SavedModel folder.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(
            f"{path} is a folder (a SavedModel?). This needs the .keras "
            "LandmarkModel: a SavedModel holds only the serving graph, not the "
            "generator or the configuration (and loading it would run its code)."
        )
    if not os.path.exists(path):
        raise ValueError(f"Model file not found: {path}")
    if not path.endswith(".keras"):
        raise ValueError(f"{path}: expected a .keras file (saved by model.save).")
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path} is not a complete .keras file (a .keras file is a zip "
            "archive; this one is cut short or something else). Save it again."
        )
    import keras

    import keras_landmarks  # noqa: F401  (registers the classes)
    from keras_landmarks.models import LandmarkModel

    try:
        model = keras.saving.load_model(path)
    except (OSError, zipfile.BadZipFile, KeyError) as error:
        raise ValueError(f"{path} cannot be loaded (damaged?): {error}") from None
    if not isinstance(model, LandmarkModel):
        raise ValueError(
            f"{path} holds a {type(model).__name__}, not a keras_landmarks "
            "LandmarkModel (a model saved by `keras-landmarks train` or "
            "`LandmarkModel.save`)."
        )
    return model
