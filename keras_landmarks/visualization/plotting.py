"""matplotlib figures rendered off-screen (Agg) into uint8 arrays."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_figure(width_px, height_px, dpi=100):
    """A `Figure` on an Agg canvas: no pyplot, no display, no global state."""
    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def figure_to_array(figure):
    """`(H, W, 3)` uint8 RGB of a figure made by `new_figure`."""
    figure.canvas.draw()
    rgba = np.asarray(figure.canvas.buffer_rgba())
    return np.array(rgba[..., :3], dtype="uint8")


def draw_baselines(axes, baselines, linewidth=1.2):
    """Dashed grey horizontal lines, each labelled `name (value)` at the right.

    Args:
        axes: a matplotlib `Axes`.
        baselines: dict name -> float, or None (nothing drawn).
        linewidth: float, default 1.2.
    """
    for name, value in (baselines or {}).items():
        axes.axhline(float(value), linestyle="--", color="gray", linewidth=linewidth)
        axes.annotate(
            f"{name} ({float(value):.2f})",
            xy=(0.99, float(value)),
            xycoords=("axes fraction", "data"),
            ha="right",
            va="bottom",
            fontsize=8,
            color="dimgray",
        )
