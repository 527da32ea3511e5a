import pytest


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    # Overrides tests/conftest.py for the data tests: the pipelines are pure
    # TensorFlow and never touch Keras state, and `keras.backend.clear_session()`
    # (a full garbage collection) costs ~0.3 s per test, more than most tests.
    yield
