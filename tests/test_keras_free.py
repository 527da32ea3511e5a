"""tests/keras_free.py: which test modules reach Keras, read from their imports."""

from pathlib import Path

import pytest

from tests.keras_free import ROOT
from tests.keras_free import module_reaches_keras
from tests.keras_free import reaches_keras


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import numpy as np\n", False),
        ("def f():\n    import keras\n", True),  # inside a function too
        ("from keras import ops\n", True),
        ("import subprocess\n", True),  # a child process may run Keras
        ("from keras_landmarks.data.ops.framing import framing_box\n", False),
        ("from keras_landmarks.layers import keypoint_bottleneck\n", True),
        ("from tests.helpers import tiny_model\n", True),  # through our test helpers
        ("from keras_landmarks.evaluation import inter_ocular_error\n", True),
    ],
)
def test_imports_are_followed_through_our_modules(tmp_path, source, expected):
    module = tmp_path / "test_something.py"
    module.write_text(source)
    assert reaches_keras(module) is expected


def test_the_suites_modules_are_classified_with_their_conftests():
    tests = Path(ROOT) / "tests"
    assert not module_reaches_keras(tests / "data" / "ops" / "test_framing.py")
    assert module_reaches_keras(tests / "models" / "test_landmark_model.py")
    # Its own imports reach no Keras, but its folder's conftest builds models.
    drawing = tests / "visualization" / "test_drawing.py"
    assert not reaches_keras(drawing)
    assert module_reaches_keras(drawing)
