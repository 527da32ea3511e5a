"""keras-landmarks: unsupervised object landmarks through conditional image generation.

A Keras 3 implementation of Jakab, Gupta, Bilen and Vedaldi, "Unsupervised Learning
of Object Landmarks through Conditional Image Generation" (NeurIPS 2018) that runs on
the TensorFlow, JAX and PyTorch backends.
"""

from keras_landmarks import layers  # noqa: E402
from keras_landmarks import losses  # noqa: E402
from keras_landmarks import models  # noqa: E402
from keras_landmarks.models import LandmarkModel  # noqa: E402
from keras_landmarks.version import __version__  # noqa: E402, F401

# Imported on first use: they pull in tf.data, scipy or matplotlib.
_LAZY_SUBMODULES = (
    "data",
    "evaluation",
    "export",
    "inference",
    "presets",
    "pretrained",
    "profiling",
    "training",
    "visualization",
)

__all__ = ["LandmarkModel", "layers", "losses", "models", "__version__"]
__all__ += list(_LAZY_SUBMODULES)


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"keras_landmarks.{name}")
    raise AttributeError(f"module 'keras_landmarks' has no attribute {name!r}")
