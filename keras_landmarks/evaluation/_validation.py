"""Argument checks shared by the evaluation functions."""

import numpy as np


def as_points(value, name, num_points=None, allow_nan=False):
    """Returns `value` as a finite float64 array of shape `(N, P, 2)`.

    With `allow_nan`, NaN marks a missing point; inf is never allowed. A point
    is missing when either coordinate is NaN, and then both are NaN in the
    returned array. Raises `ValueError` naming `name` and the received shape
    otherwise.
    """
    points = np.asarray(value, dtype=np.float64)
    if points.ndim != 3 or points.shape[-1] != 2 or points.shape[0] < 1:
        raise ValueError(
            f"`{name}` must have shape (num_images, num_points, 2) with "
            f"num_images >= 1. Received: {name}.shape={points.shape}"
        )
    if num_points is not None and points.shape[1] != num_points:
        raise ValueError(
            f"`{name}` must have {num_points} points. "
            f"Received: {name}.shape={points.shape}"
        )
    if allow_nan:
        if np.any(np.isinf(points)):
            raise ValueError(f"`{name}` must not hold inf. Received inf in `{name}`.")
        missing = np.isnan(points).any(-1)
        if missing.any():
            points = points.copy()
            points[missing] = np.nan
    elif not np.all(np.isfinite(points)):
        raise ValueError(f"`{name}` must be finite. Received NaN or inf in `{name}`.")
    return points


def check_same_length(first, first_name, second, second_name):
    """Raises `ValueError` unless both arrays have the same number of images."""
    if first.shape[0] != second.shape[0]:
        raise ValueError(
            f"`{first_name}` and `{second_name}` must hold the same number of "
            f"images. Received: {first_name}.shape={first.shape}, "
            f"{second_name}.shape={second.shape}"
        )


def check_same_shape(first, first_name, second, second_name):
    """Raises `ValueError` unless both arrays have the same shape."""
    if first.shape != second.shape:
        raise ValueError(
            f"`{first_name}` and `{second_name}` must have the same shape. "
            f"Received: {first_name}.shape={first.shape}, "
            f"{second_name}.shape={second.shape}"
        )


def check_reduction(reduction, allowed):
    """Raises `ValueError` unless `reduction` is one of `allowed`."""
    if reduction not in allowed:
        raise ValueError(
            f"`reduction` must be one of {allowed}. Received: reduction={reduction!r}"
        )
