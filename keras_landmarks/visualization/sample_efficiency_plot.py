"""Error vs number of annotated training images (paper Fig. 4, sample efficiency)."""

import numpy as np

from keras_landmarks.visualization.plotting import draw_baselines
from keras_landmarks.visualization.plotting import figure_to_array
from keras_landmarks.visualization.plotting import new_figure


def _curve(name, value):
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise ValueError(
            f"Curve {name!r} must be (ns, means, stds). Received: {value!r}"
        )
    ns, means, stds = (np.asarray(v, dtype="float64").reshape(-1) for v in value)
    if not len(ns) == len(means) == len(stds) or len(ns) == 0:
        raise ValueError(
            f"Curve {name!r}: ns, means and stds must have the same non-zero "
            f"length. Received: {len(ns)}, {len(means)}, {len(stds)}"
        )
    if np.any(ns <= 0):
        raise ValueError(
            f"Curve {name!r}: ns must be > 0 (log scale). Received: ns={ns.tolist()}"
        )
    return ns, means, stds


def sample_efficiency_plot(
    curves,
    baselines=None,
    all_label_at=None,
    title="Sample efficiency",
    xlabel="number of annotated training images",
    ylabel="error (%)",
    size=(640, 420),
):
    """Error (mean ± std band) vs annotated images, log-scale x, one line per curve.

    Args:
        curves: dict name -> `(ns, means, stds)`, e.g. `{"trained detector":
            ([1, 5, 10, 100], [9.1, 6.0, 5.2, 4.1], [0.6, 0.3, 0.2, 0.1])}`.
            Error in percent.
        baselines: optional dict name -> error (float), horizontal dashed lines
            (e.g. the mean shape).
        all_label_at: optional n whose tick reads "all" (the full training set).
        title, xlabel, ylabel: text.
        size: `(width, height)` in pixels, default (640, 420).

    Returns:
        `(height, width, 3)` uint8.
    """
    if not isinstance(curves, dict) or not curves:
        raise ValueError(
            "`curves` must be a non-empty dict name -> (ns, means, stds). "
            f"Received: curves={curves!r}"
        )
    parsed = {name: _curve(name, value) for name, value in curves.items()}
    figure = new_figure(*size)
    axes = figure.add_subplot(1, 1, 1)
    ticks = set()
    for name, (ns, means, stds) in parsed.items():
        (line,) = axes.plot(ns, means, marker="o", label=name)
        axes.fill_between(
            ns,
            means - stds,
            means + stds,
            color=line.get_color(),
            alpha=0.2,
            linewidth=0,
        )
        ticks.update(ns.tolist())
    draw_baselines(axes, baselines, linewidth=1.2)
    axes.set_xscale("log")
    ticks = sorted(ticks)
    axes.set_xticks(ticks)
    axes.set_xticklabels(
        [
            "all" if all_label_at is not None and t == all_label_at else f"{t:g}"
            for t in ticks
        ]
    )
    axes.minorticks_off()
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(loc="upper right", fontsize=9)
    figure.subplots_adjust(left=0.1, right=0.97, top=0.91, bottom=0.13)
    return figure_to_array(figure)
