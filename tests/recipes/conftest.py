import pytest

from keras_landmarks.training import recipe


@pytest.fixture(autouse=True)
def _eager_recipes(monkeypatch):
    # Compiling a train step (XLA / jax.jit / tf.function) costs far more than
    # the two tiny steps each recipe test runs.
    monkeypatch.setitem(recipe.COMPILE_OPTIONS, "run_eagerly", True)
