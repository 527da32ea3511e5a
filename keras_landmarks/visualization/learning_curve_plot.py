"""A measure against training steps, one line per run (learning curves)."""

import numpy as np

from keras_landmarks.visualization.plotting import draw_baselines
from keras_landmarks.visualization.plotting import figure_to_array
from keras_landmarks.visualization.plotting import new_figure


def learning_curve_plot(
    curves,
    baselines=None,
    title="Learning curve",
    xlabel="training steps",
    ylabel="error / mean-shape error",
    size=(640, 420),
):
    """Plots `(steps, values)` per run, with optional horizontal baselines.

    Args:
        curves: dict name -> `(steps, values)`, two equal-length sequences,
            e.g. `{"pixel L2": ([0, 500, 1000], [0.98, 0.7, 0.55])}`.
        baselines: optional dict name -> value, dashed horizontal lines (e.g.
            `{"mean shape": 1.0}` or a target).
        title, xlabel, ylabel: text.
        size: `(width, height)` in pixels, default (640, 420).

    Returns:
        `(height, width, 3)` uint8.

    Example:

    >>> learning_curve_plot({"run": ([0, 100], [1.0, 0.8])}).shape
    (420, 640, 3)
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError(
            "`curves` must be a non-empty dict name -> (steps, values). "
            f"Received: curves={curves!r}"
        )
    figure = new_figure(*size)
    axes = figure.add_subplot(1, 1, 1)
    for name, value in curves.items():
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise ValueError(
                f"Curve {name!r} must be (steps, values). Received: {value!r}"
            )
        steps, values = (np.asarray(v, "float64").reshape(-1) for v in value)
        if len(steps) != len(values) or len(steps) == 0:
            raise ValueError(
                f"Curve {name!r}: steps and values must have the same non-zero "
                f"length. Received: {len(steps)} and {len(values)}"
            )
        axes.plot(steps, values, marker="o", markersize=3, label=name)
    draw_baselines(axes, baselines, linewidth=1.0)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    return figure_to_array(figure)
