"""One number per keypoint as a bar in the keypoint's colour (e.g. equivariance)."""

import numpy as np

from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.plotting import figure_to_array
from keras_landmarks.visualization.plotting import new_figure


def keypoint_bars(values, title, ylabel, reference=None, size=(640, 320)):
    """A bar per keypoint, coloured as the keypoint is in every other picture.

    Args:
        values: `(K,)` numbers, e.g. `equivariance_error(...).per_keypoint`.
        title, ylabel: text.
        reference: optional float, a dashed horizontal line (e.g. the mean).
        size: `(width, height)` in pixels, default (640, 320).

    Returns:
        `(height, width, 3)` uint8.

    Example:

    >>> keypoint_bars([1.0, 3.5], "equivariance", "% of image size").shape
    (320, 640, 3)
    """
    values = np.asarray(values, "float64").reshape(-1)
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(
            "`values` must be a non-empty sequence of finite numbers. "
            f"Received: values={values.tolist()}"
        )
    colours = keypoint_palette(len(values)) / 255.0
    figure = new_figure(*size)
    axes = figure.add_subplot(1, 1, 1)
    axes.bar(np.arange(len(values)), values, color=colours, edgecolor="black")
    if reference is not None:
        axes.axhline(float(reference), linestyle="--", color="gray", linewidth=1.0)
    axes.set_xticks(np.arange(len(values)))
    axes.set_xlabel("keypoint")
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    figure.tight_layout()
    return figure_to_array(figure)
