import keras
import numpy as np
import pytest

from keras_landmarks.losses.adversarial_loss import adversarial_terms
from keras_landmarks.losses.adversarial_loss import discriminator_loss
from keras_landmarks.losses.adversarial_loss import generator_adversarial_loss
from tests.conftest import backend
from tests.helpers import to_numpy


def _softplus(x):
    return np.log1p(np.exp(x))


def test_losses_match_numpy():
    real = np.array([[-1.0, 2.0]], "float32")
    fake = np.array([[0.5, -3.0]], "float32")
    np.testing.assert_allclose(
        to_numpy(discriminator_loss(real, fake)),
        _softplus(-real).mean() + _softplus(fake).mean(),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        to_numpy(generator_adversarial_loss(fake)), _softplus(-fake).mean(), rtol=1e-6
    )


def _discriminator():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4, 4, 3)), keras.layers.Conv2D(1, 3, padding="same")]
    )
    return model


def test_terms_values():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(2, 4, 4, 3)).astype("float32")
    fake = rng.normal(size=(2, 4, 4, 3)).astype("float32")
    d = _discriminator()
    terms = adversarial_terms(d, real, fake, weight=0.5)
    real_logits, fake_logits = to_numpy(d(real)), to_numpy(d(fake))
    d_loss = _softplus(-real_logits).mean() + _softplus(fake_logits).mean()
    np.testing.assert_allclose(to_numpy(terms["discriminator"]), d_loss, rtol=1e-5)
    np.testing.assert_allclose(
        to_numpy(terms["generator"]), _softplus(-fake_logits).mean(), rtol=1e-5
    )
    # The bracket is zero in value: the total is the discriminator's loss.
    np.testing.assert_allclose(to_numpy(terms["total"]), d_loss, rtol=1e-5)


@pytest.mark.skipif(
    backend() != "tensorflow",
    reason="the gradient identity is backend-independent maths; checked once "
    "with tf.GradientTape (the fit-step test runs on every backend)",
)
def test_one_optimizer_gradients_split_between_players():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    real = tf.constant(rng.normal(size=(2, 4, 4, 3)).astype("float32"))
    fake = tf.Variable(rng.normal(size=(2, 4, 4, 3)).astype("float32"))
    d = _discriminator()
    weights = d.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        terms = adversarial_terms(d, real, fake, weight=0.5)
        d_only = discriminator_loss(d(real), d(tf.stop_gradient(fake)))
        g_only = 0.5 * generator_adversarial_loss(d(fake))
    for got, want in zip(
        tape.gradient(terms["total"], weights),
        tape.gradient(d_only, weights),
        strict=True,
    ):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(
        tape.gradient(terms["total"], fake).numpy(),
        tape.gradient(g_only, fake).numpy(),
        rtol=1e-5,
        atol=1e-8,
    )
