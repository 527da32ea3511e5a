"""Export to TensorFlow Serving and loading exported or saved detectors."""

from keras_landmarks.export.detector import load_detector
from keras_landmarks.export.saved_model import RECONSTRUCT_SIGNATURE
from keras_landmarks.export.saved_model import SERVING_SIGNATURE
from keras_landmarks.export.saved_model import export_saved_model

__all__ = [
    "RECONSTRUCT_SIGNATURE",
    "SERVING_SIGNATURE",
    "export_saved_model",
    "load_detector",
]
