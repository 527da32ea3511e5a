"""Networks and the full model."""

from keras_landmarks.models.adversarial_landmark_model import AdversarialLandmarkModel
from keras_landmarks.models.conv_block import ConvBlock
from keras_landmarks.models.conv_encoder import ConvEncoder
from keras_landmarks.models.discriminator import PatchDiscriminator
from keras_landmarks.models.image_generator import ImageGenerator
from keras_landmarks.models.keypoint_detector import KeypointDetector
from keras_landmarks.models.landmark_detector import LandmarkDetector
from keras_landmarks.models.landmark_model import LandmarkModel
from keras_landmarks.models.landmark_model import normalized_to_pixels
from keras_landmarks.models.landmark_model import pixels_to_normalized
from keras_landmarks.models.optimizer import reference_optimizer
from keras_landmarks.models.presets import cpu_model
from keras_landmarks.models.presets import cpu_optimizer
from keras_landmarks.models.presets import make_reconstruction_loss
from keras_landmarks.models.presets import paper_model

__all__ = [
    "ConvBlock",
    "ConvEncoder",
    "ImageGenerator",
    "KeypointDetector",
    "LandmarkDetector",
    "LandmarkModel",
    "cpu_model",
    "cpu_optimizer",
    "make_reconstruction_loss",
    "normalized_to_pixels",
    "paper_model",
    "pixels_to_normalized",
    "reference_optimizer",
]


__all__ += ["AdversarialLandmarkModel", "PatchDiscriminator"]
