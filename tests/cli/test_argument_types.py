import argparse

import pytest

from keras_landmarks.cli.argument_types import demo_image_size
from keras_landmarks.cli.argument_types import existing_path
from keras_landmarks.cli.argument_types import eye_pair
from keras_landmarks.cli.argument_types import non_negative_float
from keras_landmarks.cli.argument_types import non_negative_int
from keras_landmarks.cli.argument_types import positive_float
from keras_landmarks.cli.argument_types import positive_int
from keras_landmarks.cli.argument_types import unit_float
from keras_landmarks.models.landmark_model import MIN_IMAGE_SIZE


def test_numbers_convert_at_their_bounds():
    assert positive_int("1") == 1 and non_negative_int("0") == 0
    assert positive_float("0.5") == 0.5 and non_negative_float("0") == 0.0
    assert unit_float("0") == 0.0 and unit_float("1") == 1.0


@pytest.mark.parametrize(
    "convert, text, message",
    [
        (positive_int, "0", "expected an integer >= 1, got 0"),
        (positive_int, "2.5", "expected an integer, got '2.5'"),
        (non_negative_int, "-1", "expected an integer >= 0, got -1"),
        (positive_float, "0", "expected a number > 0, got 0.0"),
        (positive_float, "fast", "expected a number, got 'fast'"),
        (non_negative_float, "nan", "expected a number >= 0, got nan"),
        (unit_float, "1.5", "expected a number in [0, 1], got 1.5"),
        (eye_pair, "0", "expected two point indices I,J (e.g. 0,1), got '0'"),
        (eye_pair, "1,1", "expected two different indices >= 0, got '1,1'"),
        (eye_pair, "-1,2", "expected two different indices >= 0, got '-1,2'"),
    ],
)
def test_bad_text_is_named(convert, text, message):
    with pytest.raises(argparse.ArgumentTypeError) as error:
        convert(text)
    assert str(error.value) == message


def test_eye_pair():
    assert eye_pair("3,0") == (3, 0)


def test_demo_image_size_is_a_multiple_of_the_cpu_stride():
    assert demo_image_size(str(MIN_IMAGE_SIZE)) == MIN_IMAGE_SIZE
    for bad in (MIN_IMAGE_SIZE + 2, MIN_IMAGE_SIZE - 4):
        with pytest.raises(argparse.ArgumentTypeError, match=f"got {bad}"):
            demo_image_size(str(bad))


def test_existing_path(tmp_path):
    assert existing_path(str(tmp_path)) == str(tmp_path)
    missing = tmp_path / "nope.png"
    with pytest.raises(argparse.ArgumentTypeError, match="no such file or folder"):
        existing_path(str(missing))
