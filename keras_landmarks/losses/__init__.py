"""Reconstruction losses: perceptual (VGG features) and pixel."""

from keras_landmarks.losses.adversarial_loss import adversarial_terms
from keras_landmarks.losses.adversarial_loss import discriminator_loss
from keras_landmarks.losses.adversarial_loss import generator_adversarial_loss
from keras_landmarks.losses.loss_network import LossNetworkUnavailableError
from keras_landmarks.losses.loss_network import VGGFeatures
from keras_landmarks.losses.perceptual_loss import DEFAULT_LAYERS
from keras_landmarks.losses.perceptual_loss import REFERENCE_INITIAL_NORMALIZERS
from keras_landmarks.losses.perceptual_loss import PerceptualLoss
from keras_landmarks.losses.perceptual_loss import RandomLossNetworkWarning
from keras_landmarks.losses.pixel_loss import PixelLoss
from keras_landmarks.losses.running_normalizer import RunningNormalizer

__all__ = [
    "DEFAULT_LAYERS",
    "LossNetworkUnavailableError",
    "PerceptualLoss",
    "PixelLoss",
    "REFERENCE_INITIAL_NORMALIZERS",
    "RandomLossNetworkWarning",
    "RunningNormalizer",
    "VGGFeatures",
]


__all__ += [
    "adversarial_terms",
    "discriminator_loss",
    "generator_adversarial_loss",
]
