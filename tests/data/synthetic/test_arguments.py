"""Argument checks of the synthetic generators."""

import numpy as np
import pytest

from keras_landmarks.data.synthetic.arguments import check_int
from keras_landmarks.data.synthetic.arguments import check_number
from keras_landmarks.data.synthetic.arguments import check_range
from keras_landmarks.data.synthetic.arguments import check_seed


def test_valid_values_come_back_as_python_numbers():
    assert type(check_int("size", np.int64(48), 1)) is int
    assert check_range("scale", (0.5, 1), 0, 2) == (0.5, 1.0)
    assert type(check_number("clutter", np.float32(0.5), 0, 1)) is float
    assert check_seed(np.int32(7)) == 7


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: check_int("size", 48.0, 1), "size=48.0"),
        (lambda: check_int("size", True, 1), "size=True"),
        (lambda: check_int("size", 0, 1), "must be >= 1. Received: size=0"),
        (lambda: check_range("scale", (2, 1), 0, 3), "scale=(2, 1)"),
        (lambda: check_range("scale", 1, 0, 3), "(min, max) pair. Received: scale=1"),
        (lambda: check_number("clutter", 1.5, 0, 1), "clutter=1.5"),
        (lambda: check_seed(-1), "seed=-1"),
    ],
)
def test_bad_values_are_named_in_the_error(call, message):
    with pytest.raises(
        ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        call()
