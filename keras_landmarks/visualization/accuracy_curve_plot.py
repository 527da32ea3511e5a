"""Percentage of points within d pixels, as a curve over d (BBC-Pose, paper Fig. 6)."""

import numpy as np

from keras_landmarks.visualization.plotting import figure_to_array
from keras_landmarks.visualization.plotting import new_figure


def accuracy_curve_plot(
    ds,
    accuracies_per_part,
    title="Accuracy within d pixels",
    xlabel="d (pixels)",
    ylabel="% within d",
    size=(640, 420),
):
    """One line per part plus their average (thick black).

    Args:
        ds: `(D,)` distance thresholds in pixels.
        accuracies_per_part: dict part name -> `(D,)` percentages in [0, 100].
        title, xlabel, ylabel: text.
        size: `(width, height)` in pixels.

    Returns:
        `(height, width, 3)` uint8.
    """
    ds = np.asarray(ds, dtype="float64")
    if ds.ndim != 1 or len(ds) == 0:
        raise ValueError(
            f"`ds` must be a non-empty 1-D array. Received: ds.shape={ds.shape}"
        )
    if not isinstance(accuracies_per_part, dict) or not accuracies_per_part:
        raise ValueError(
            "`accuracies_per_part` must be a non-empty dict name -> (D,) values. "
            f"Received: {accuracies_per_part!r}"
        )
    curves = {}
    for name, values in accuracies_per_part.items():
        values = np.asarray(values, dtype="float64")
        if values.shape != ds.shape:
            raise ValueError(
                f"Part {name!r} must have one value per d, shape {ds.shape}. "
                f"Received: shape={values.shape}"
            )
        curves[name] = values
    figure = new_figure(*size)
    axes = figure.add_subplot(1, 1, 1)
    for name, values in curves.items():
        axes.plot(ds, values, linewidth=1.3, label=name)
    average = np.mean(np.stack(list(curves.values())), axis=0)
    axes.plot(ds, average, color="black", linewidth=2.5, label="average")
    axes.set_xlim(float(ds.min()), float(ds.max()))
    axes.set_ylim(0, 100)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right", fontsize=9)
    figure.subplots_adjust(left=0.1, right=0.97, top=0.91, bottom=0.13)
    return figure_to_array(figure)
