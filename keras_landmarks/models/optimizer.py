"""The reference code's optimiser."""

import keras

# Reference code (the paper's text says lr 1e-2, decay on plateau; the code's
# values produced the published numbers).
LEARNING_RATE = 1e-3
DECAY_STEPS = 100_000
DECAY_RATE = 0.95
CLIP_NORM = 1.0  # per tensor, not global: Keras' `clipnorm`
ADAM_BETA_1 = 0.9
ADAM_BETA_2 = 0.999
ADAM_EPSILON = 1e-8


def reference_optimizer(learning_rate=LEARNING_RATE, decay_steps=DECAY_STEPS):
    """Adam with the reference schedule: lr x0.95 every 100k steps, clip 1 per tensor.

    Args:
        learning_rate: float, default 1e-3.
        decay_steps: int, default 100000. Staircase decay period.

    Returns:
        A `keras.optimizers.Adam`.
    """
    schedule = keras.optimizers.schedules.ExponentialDecay(
        learning_rate, decay_steps, DECAY_RATE, staircase=True
    )
    return keras.optimizers.Adam(
        learning_rate=schedule,
        beta_1=ADAM_BETA_1,
        beta_2=ADAM_BETA_2,
        epsilon=ADAM_EPSILON,
        clipnorm=CLIP_NORM,
    )
