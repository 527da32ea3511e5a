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
