"""The types of the command's arguments: argparse converters with one-line errors.

Each takes the argument's text and returns its value, or raises
`argparse.ArgumentTypeError`, which argparse prints as a usage error naming
the option and the bad value.
"""

import argparse
import os


def _int_at_least(text, minimum):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= {minimum}, got {value}"
        )
    return value


def positive_int(text):
    """An int >= 1 (steps, K, batch size, frames)."""
    return _int_at_least(text, 1)


def non_negative_int(text):
    """An int >= 0 (0 turns a periodic measurement off)."""
    return _int_at_least(text, 0)


def _number(text):
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def positive_float(text):
    """A number > 0 (minutes, learning rate, pixels)."""
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {value}")
    return value


def non_negative_float(text):
    """A number >= 0 (a loss weight; 0 turns the term off)."""
    value = _number(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def unit_float(text):
    """A number in [0, 1] (a contrast)."""
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {value}")
    return value


def demo_image_size(text):
    """A side the demo's CPU networks accept: a multiple of their stride."""
    # Checked here, before the demo draws its faces: the limits of the CPU
    # networks (`LandmarkModel._check_geometry`). The package is imported
    # already (this module is part of it), so this import costs nothing.
    import math

    from keras_landmarks.models.landmark_model import MIN_IMAGE_SIZE
    from keras_landmarks.models.presets import CPU_ENCODER_STRIDES

    factor = math.prod(CPU_ENCODER_STRIDES)
    value = positive_int(text)
    if value < MIN_IMAGE_SIZE or value % factor:
        raise argparse.ArgumentTypeError(
            f"expected a multiple of {factor} that is >= {MIN_IMAGE_SIZE} (the "
            f"CPU networks downsample by {factor}), got {value}"
        )
    return value


def eye_pair(text):
    """`I,J`: two different point indices, the eyes that normalise errors."""
    parts = text.split(",")
    try:
        left, right = (int(part) for part in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected two point indices I,J (e.g. 0,1), got {text!r}"
        ) from None
    if left == right or min(left, right) < 0:
        raise argparse.ArgumentTypeError(
            f"expected two different indices >= 0, got {text!r}"
        )
    return left, right


def existing_path(text):
    """A file or folder that exists."""
    if not os.path.exists(text):
        raise argparse.ArgumentTypeError(f"no such file or folder: {text}")
    return text
