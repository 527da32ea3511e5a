"""The reference code's optimiser: Adam, lr 1e-3 x0.95 every 100k steps, clip 1."""

import keras
import pytest

from keras_landmarks.models.optimizer import reference_optimizer


def _rate(optimizer, step):
    schedule = keras.optimizers.schedules.deserialize(
        optimizer.get_config()["learning_rate"]
    )
    return float(keras.ops.convert_to_numpy(schedule(step)))


def test_staircase_schedule_and_adam_settings():
    optimizer = reference_optimizer()
    assert _rate(optimizer, 0) == pytest.approx(1e-3)
    assert _rate(optimizer, 99_999) == pytest.approx(1e-3)
    assert _rate(optimizer, 100_000) == pytest.approx(0.95e-3)
    assert _rate(optimizer, 250_000) == pytest.approx(1e-3 * 0.95**2)
    # Per tensor (the reference clips each gradient), not over all of them.
    assert optimizer.clipnorm == 1.0 and optimizer.global_clipnorm is None
    assert (optimizer.beta_1, optimizer.beta_2, optimizer.epsilon) == (0.9, 0.999, 1e-8)
