"""`LandmarkModel` with a discriminator trained alongside (paper Table 2)."""

import keras

from keras_landmarks.distribution import scale_loss_for_replicas
from keras_landmarks.losses.adversarial_loss import adversarial_terms
from keras_landmarks.models.discriminator import PatchDiscriminator
from keras_landmarks.models.landmark_model import LandmarkModel
from keras_landmarks.models.landmark_model import unpack_pair

# Our choice: the paper does not give the weight of the adversarial term.
DEFAULT_ADVERSARIAL_WEIGHT = 1.0


@keras.saving.register_keras_serializable(package="keras_landmarks")
class AdversarialLandmarkModel(LandmarkModel):
    """The landmark model whose reconstruction loss adds an adversarial term.

    The loss is `reconstruction_loss` (pixel L1 or L2 for the paper's
    "adversarial + L1/L2" rows) plus the terms of `adversarial_terms`: the
    discriminator learns to tell the targets from the reconstructions and the
    generator to fool it, both in this model's `compute_loss` with the one
    optimizer of `compile` (no per-backend train step).

    Args:
        discriminator: optional network `(batch, H, W, 3)` -> logits; default
            `PatchDiscriminator()`.
        adversarial_weight: float, default 1.0. Weight of the generator's term.
        **kwargs: `LandmarkModel` arguments.

    Metrics (beside `LandmarkModel`'s): `discriminator_loss`,
    `generator_adversarial_loss`.
    """

    def __init__(
        self,
        discriminator=None,
        adversarial_weight=DEFAULT_ADVERSARIAL_WEIGHT,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if adversarial_weight < 0:
            raise ValueError(
                "`adversarial_weight` must be >= 0. "
                f"Received: adversarial_weight={adversarial_weight}"
            )
        self.adversarial_weight = float(adversarial_weight)
        self.discriminator = discriminator or PatchDiscriminator(
            dtype=self.dtype_policy, name="discriminator"
        )
        if not self.discriminator.built:
            self.discriminator.build((None, *self.image_size, 3))
        self.discriminator_tracker = keras.metrics.Mean(name="discriminator_loss")
        self.generator_adversarial_tracker = keras.metrics.Mean(
            name="generator_adversarial_loss"
        )

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        total = super().compute_loss(x, y, y_pred, sample_weight, training)
        _, target, _ = unpack_pair(x)
        terms = adversarial_terms(
            self.discriminator,
            target,
            y_pred["reconstruction"],
            weight=self.adversarial_weight,
            training=training,
        )
        self.discriminator_tracker.update_state(terms["discriminator"])
        self.generator_adversarial_tracker.update_state(terms["generator"])
        return total + scale_loss_for_replicas(terms["total"])

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "discriminator": keras.saving.serialize_keras_object(
                    self.discriminator
                ),
                "adversarial_weight": self.adversarial_weight,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("discriminator"), dict):
            config["discriminator"] = keras.saving.deserialize_keras_object(
                config["discriminator"]
            )
        return super().from_config(config)
