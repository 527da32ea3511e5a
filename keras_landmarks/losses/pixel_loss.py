"""Pixel L1 / L2 reconstruction losses (the paper's Table 2 ablation)."""

import keras

from keras_landmarks.losses.perceptual_loss import FIRST_BATCH
from keras_landmarks.losses.perceptual_loss import LOSS_SCALE
from keras_landmarks.losses.perceptual_loss import NORMALIZER_DECAY
from keras_landmarks.losses.perceptual_loss import PerceptualLoss


@keras.saving.register_keras_serializable(package="keras_landmarks")
class PixelLoss(PerceptualLoss):
    """Masked pixel L1 or L2 loss with the same running normaliser.

    `PerceptualLoss` restricted to the raw image: `m = mean(mask * d(x', x_hat))`
    divided by its running average. Cheap, and on a CPU the measured choice for
    short runs (see the README's CPU configuration).

    Args:
        distance: `"l2"` (default) or `"l1"`.
        initial_normalizers: `"first_batch"` or a one-element sequence.
        decay: float, default 0.99.
        scale: float, default 1000.

    Example:

    >>> loss = PixelLoss("l1")
    """

    def __init__(
        self,
        distance="l2",
        initial_normalizers=FIRST_BATCH,
        decay=NORMALIZER_DECAY,
        scale=LOSS_SCALE,
        **kwargs,
    ):
        for key in ("network", "weights", "layers", "_restoring"):
            kwargs.pop(key, None)
        super().__init__(
            network=None,
            weights=None,
            layers=("input",),
            initial_normalizers=initial_normalizers,
            decay=decay,
            scale=scale,
            distance=distance,
            **kwargs,
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)
