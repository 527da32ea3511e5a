import os

import keras
import pytest


def pytest_report_header(config):
    return f"keras {keras.__version__}, backend {keras.backend.backend()}"


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    keras.backend.clear_session()
    yield
    keras.config.set_dtype_policy("float32")


def backend():
    return os.environ.get("KERAS_BACKEND", "tensorflow")
