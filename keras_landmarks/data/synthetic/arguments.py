"""Argument checks of the synthetic generators, with errors naming the bad value."""

import numpy as np


def check_int(name, value, minimum):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise ValueError(f"`{name}` must be an int. Received: {name}={value!r}")
    if value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}. Received: {name}={value!r}")
    return int(value)


def check_range(name, value, low, high):
    """Checks a `(min, max)` pair with `low <= min <= max <= high`."""
    try:
        first, second = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be a (min, max) pair. Received: {name}={value!r}"
        ) from None
    if not low <= first <= second <= high:
        raise ValueError(
            f"`{name}` must satisfy {low} <= min <= max <= {high}. "
            f"Received: {name}={value!r}"
        )
    return first, second


def check_number(name, value, low, high):
    if (
        not isinstance(value, (int, float, np.floating, np.integer))
        or isinstance(value, bool)
        or not low <= value <= high
    ):
        raise ValueError(
            f"`{name}` must be a number in [{low}, {high}]. Received: {name}={value!r}"
        )
    return float(value)


def check_seed(seed):
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative int. Received: seed={seed!r}")
    return int(seed)
