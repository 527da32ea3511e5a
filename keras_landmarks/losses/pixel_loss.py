"""Pixel L1 / L2 reconstruction losses (the paper's Table 2 ablation)."""

import keras
from keras import ops

from keras_landmarks.losses.masked_distance import DISTANCES
from keras_landmarks.losses.masked_distance import masked_mean_distance
from keras_landmarks.losses.perceptual_loss import LOSS_SCALE
from keras_landmarks.losses.running_normalizer import FIRST_BATCH
from keras_landmarks.losses.running_normalizer import NORMALIZER_DECAY
from keras_landmarks.losses.running_normalizer import NormalizedLossMixin
from keras_landmarks.losses.running_normalizer import RunningNormalizer

# The one term, named like `PerceptualLoss`' raw-image layer.
TERM_NAME = "input"


@keras.saving.register_keras_serializable(package="keras_landmarks")
class PixelLoss(NormalizedLossMixin, keras.layers.Layer):
    """Masked pixel L1 or L2 loss with the perceptual loss's running normaliser.

    `m = mean(mask * d(x', x_hat))` over all pixels and channels, divided by a
    running average of itself (a `RunningNormalizer`, updated and stored as in
    `PerceptualLoss`), times `scale`: the same number as
    `PerceptualLoss(network=None, layers=("input",))`. Cheap, and on a CPU the
    measured choice for short runs (see the README's CPU configuration).
    Computed in float32 whatever the dtype policy.

    Args:
        distance: `"l2"` (default) or `"l1"`.
        initial_normalizers: `"first_batch"` (default) or a one-element sequence.
        decay: float, default 0.99.
        scale: float, default 1000.

    Call arguments:
        target: `(batch, H, W, 3)` RGB in [0, 255], the image to reconstruct.
        reconstruction: same shape, the generator's output.
        loss_mask: optional `(batch, H, W, 1)` in [0, 1].
        training: bool. Only then is the running normaliser stored.

    Returns:
        Dict of float32 tensors: `"total"` (scalar), `"input"` (the normalised
        term `m / w`, before `scale`) and `"normalizers"` (`(1,)`, `w`).

    Example:

    >>> loss = PixelLoss("l1")
    >>> loss(target, reconstruction, training=True)["total"]

    Paper Table 2 (pixel L1 / L2 rows).
    """

    def __init__(
        self,
        distance="l2",
        initial_normalizers=FIRST_BATCH,
        decay=NORMALIZER_DECAY,
        scale=LOSS_SCALE,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if distance not in DISTANCES:
            raise ValueError(
                f"`distance` must be 'l1' or 'l2'. Received: distance={distance!r}"
            )
        # Validates `initial_normalizers` and `decay`.
        self.running_normalizer = RunningNormalizer(
            1,
            initial_normalizers=initial_normalizers,
            decay=decay,
            dtype="float32",
            name="running_normalizer",
        )
        self.distance = distance
        self.initial_normalizers = self.running_normalizer.initial_normalizers
        self.decay = self.running_normalizer.decay
        self.scale = float(scale)
        # What `LandmarkModel` logs, one name per term.
        self.layer_names = (TERM_NAME,)

    def build(self, target_shape, reconstruction_shape=None, loss_mask_shape=None):
        if len(target_shape) != 4 or target_shape[-1] != 3:
            raise ValueError(
                "PixelLoss expects (batch, H, W, 3) RGB images. "
                f"Received: shape={tuple(target_shape)}"
            )
        if not self.running_normalizer.built:
            self.running_normalizer.build((1,))
        self.built = True

    def call(self, target, reconstruction, loss_mask=None, training=False):
        target = ops.stop_gradient(ops.cast(target, "float32"))
        reconstruction = ops.cast(reconstruction, "float32")
        mean = masked_mean_distance(target, reconstruction, loss_mask, self.distance)
        terms, normalizers = self.running_normalizer(
            ops.stack([mean]), training=training
        )
        return {
            "total": self.scale * ops.sum(terms),
            TERM_NAME: terms[0],
            "normalizers": normalizers,
        }

    def compute_output_spec(
        self, target, reconstruction, loss_mask=None, training=False
    ):
        return {
            "total": keras.KerasTensor((), dtype="float32"),
            TERM_NAME: keras.KerasTensor((), dtype="float32"),
            "normalizers": keras.KerasTensor((1,), dtype="float32"),
        }

    def get_config(self):
        config = super().get_config()
        initial = self.initial_normalizers
        config.update(
            {
                "distance": self.distance,
                "initial_normalizers": (
                    initial if initial == FIRST_BATCH else list(initial)
                ),
                "decay": self.decay,
                "scale": self.scale,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        # Files saved while PixelLoss subclassed PerceptualLoss also list that
        # class's arguments, fixed at these values; anything else is an error.
        legacy = {"network": None, "weights": None, "layers": [TERM_NAME]}
        if all(
            key in config and _as_list(config[key]) == value
            for key, value in legacy.items()
        ):
            for key in legacy:
                del config[key]
        return cls(**config)


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else value
