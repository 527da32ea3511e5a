"""The failures the command reports in one line instead of a traceback."""

import sys


def expected_failures():
    """What a user's input, files or disk can cause: reported in one line.

    ValueError covers the library's own errors (`NonFiniteLossError`,
    `RecipeError`, checkpoint refusals, bad data specs); OSError covers
    missing, unwritable, full or cut files (h5py's errors are OSErrors too);
    a cut zip archive raises BadZipFile; a `tf.data` pipeline re-raises a
    reader's error as a `tf.errors.OpError`. Anything else is a bug and keeps
    its traceback.
    """
    import zipfile

    from keras_landmarks.losses.loss_network import LossNetworkUnavailableError

    failures = (ValueError, OSError, zipfile.BadZipFile, LossNetworkUnavailableError)
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "errors"):
        failures += (tf.errors.OpError,)
    return failures


def describe(error):
    """The one line printed for an expected failure."""
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(error, getattr(tf.errors, "OpError", ())):
        # TensorFlow's messages carry a graph trace; the first line says it.
        return error.message.strip().splitlines()[0]
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error) or type(error).__name__
