"""Networks and the full model."""

from keras_landmarks.models.conv_block import ConvBlock
from keras_landmarks.models.conv_encoder import ConvEncoder
from keras_landmarks.models.image_generator import ImageGenerator
from keras_landmarks.models.landmark_detector import LandmarkDetector
from keras_landmarks.models.landmark_model import LandmarkModel
from keras_landmarks.models.landmark_model import normalized_to_pixels
from keras_landmarks.models.landmark_model import pixels_to_normalized
from keras_landmarks.models.optimizer import reference_optimizer

__all__ = [
    "ConvBlock",
    "ConvEncoder",
    "ImageGenerator",
    "LandmarkDetector",
    "LandmarkModel",
    "normalized_to_pixels",
    "pixels_to_normalized",
    "reference_optimizer",
]
