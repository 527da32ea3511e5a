"""keras-landmarks: unsupervised object landmarks through conditional image generation.

A Keras 3 implementation of Jakab, Gupta, Bilen and Vedaldi, "Unsupervised Learning
of Object Landmarks through Conditional Image Generation" (NeurIPS 2018) that runs on
the TensorFlow, JAX and PyTorch backends.
"""

__version__ = "0.1.0"

from keras_landmarks import layers  # noqa: E402

__all__ = ["layers", "__version__"]
