import errno
import zipfile

import keras
import pytest

from keras_landmarks.cli.failures import describe
from keras_landmarks.cli.failures import expected_failures
from keras_landmarks.losses.loss_network import LossNetworkUnavailableError


def test_user_errors_are_expected_and_bugs_are_not():
    failures = expected_failures()
    for error in (
        ValueError("bad spec"),
        FileNotFoundError(errno.ENOENT, "No such file", "x.png"),
        zipfile.BadZipFile("cut"),
        LossNetworkUnavailableError("offline"),
    ):
        assert isinstance(error, failures)
    for bug in (TypeError("bug"), KeyError("bug"), AttributeError("bug")):
        assert not isinstance(bug, failures)


def test_an_os_error_is_described_by_its_file_and_reason():
    error = PermissionError(errno.EACCES, "Permission denied", "/out/model.keras")
    assert describe(error) == "/out/model.keras: Permission denied"
    assert describe(OSError("disk full")) == "disk full"
    assert describe(ValueError()) == "ValueError"


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="tf.errors come with TensorFlow"
)
def test_a_tensorflow_error_is_described_by_its_first_line():
    import tensorflow as tf

    error = tf.errors.InvalidArgumentError(None, None, "bad image\n\tgraph trace")
    assert isinstance(error, expected_failures())
    assert describe(error) == "bad image"
