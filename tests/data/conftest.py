import pytest

from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_video


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    # Overrides tests/conftest.py for the data tests: the pipelines are pure
    # TensorFlow and never touch Keras state, and `keras.backend.clear_session()`
    # (a full garbage collection) costs ~0.3 s per test, more than most tests.
    yield


@pytest.fixture(scope="module")
def counter_video(tmp_path_factory):
    """A 100-frame 24 x 32 video whose frame `t` is grey level `2 t`."""
    return write_video(
        tmp_path_factory.mktemp("videos") / "counter.mp4", counter_frames(100, step=2)
    )
