"""One interface over a `.keras` model and a SavedModel: keypoints of images."""

import os

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


def load_detector(path):
    """A `.keras` LandmarkModel or a SavedModel, with `predict_keypoints`.

    Both have `image_size`, `num_keypoints` and `predict_keypoints(images)`
    returning `(N, K, 2)` pixel (x, y).
    """
    path = os.fspath(path)
    if path.endswith(".keras"):
        if not os.path.exists(path):
            raise ValueError(f"Model file not found: {path}")
        import keras

        import keras_landmarks  # noqa: F401  (registers the classes)

        return keras.saving.load_model(path)
    return SavedModelDetector(path)
