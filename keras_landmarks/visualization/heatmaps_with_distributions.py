"""Per-keypoint heatmaps with their 1-D marginals (paper section 3.1, eq. 1)."""

import matplotlib
import numpy as np

from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import check_array
from keras_landmarks.visualization.drawing import to_uint8
from keras_landmarks.visualization.plotting import figure_to_array
from keras_landmarks.visualization.plotting import new_figure

PANEL_PIXELS = 230  # one keypoint's panel (image, top and side bars), at 100 dpi
TITLE_PIXELS = 22  # room above the first row for its panel titles
MARGIN_PIXELS = 6


def _softmax_2d(logits):
    """Softmax over all cells of each `(h, w, K)` channel."""
    flat = logits.reshape(-1, logits.shape[-1]).astype("float64")
    flat = np.exp(flat - flat.max(axis=0))
    return (flat / flat.sum(axis=0)).reshape(logits.shape)


def _overlay(probability, colormap, alpha):
    """RGBA of one heatmap: colour and opacity both grow with the probability.

    Transparent where the probability is ~0, so the image stays visible.
    """
    relative = probability / max(float(probability.max()), 1e-12)
    rgba = colormap(relative)
    rgba[..., 3] = alpha * np.sqrt(relative)
    return rgba


def _cell_centres(cells, pixels):
    # Cell j sits at linspace(-1, 1, cells)[j]: pixel j / (cells - 1) * (pixels - 1).
    if cells == 1:
        return np.array([(pixels - 1) / 2.0]), float(pixels)
    return np.linspace(0.0, pixels - 1.0, cells), (pixels - 1.0) / (cells - 1.0)


def heatmaps_with_distributions(
    image,
    heatmaps,
    prob_x,
    prob_y,
    keypoints,
    num_keypoints=None,
    columns=5,
    cmap="jet",
    alpha=0.75,
):
    """For one image, each keypoint's heatmap with prob_x on top and prob_y aside.

    The heatmap shown is the softmax over all cells of the raw logits, drawn at
    the heatmap cells' positions in the image (cell centres `linspace(-1, 1, n)`,
    as the soft-argmax uses them). The bars are the separable distributions the
    keypoint is the expectation of; the dot is the keypoint.

    Args:
        image: `(H, W, 3)` on [0, 255].
        heatmaps: `(h, w, K)` raw logits (one image of `model.detect`).
        prob_x: `(w, K)`, prob_y: `(h, K)`, from
            `HeatmapsToKeypoints(return_distributions=True)`.
        keypoints: `(K, 2)` pixel (x, y) in `image`.
        num_keypoints: int or None, default None (all). Show the first n.
        columns: int, default 5. Panels per row.
        cmap, alpha: the overlay's colour map and its opacity at the peak.

    Returns:
        `(H', W', 3)` uint8 picture.
    """
    image = to_uint8(check_array(image, "image", 3, last_dim=3))
    heatmaps = check_array(heatmaps, "heatmaps", 3).astype("float32")
    prob_x = check_array(prob_x, "prob_x", 2).astype("float32")
    prob_y = check_array(prob_y, "prob_y", 2).astype("float32")
    keypoints = check_array(keypoints, "keypoints", 2, last_dim=2).astype("float32")
    h, w, k_total = heatmaps.shape
    expected = {"prob_x": (w, k_total), "prob_y": (h, k_total)}
    for name, value in (("prob_x", prob_x), ("prob_y", prob_y)):
        if value.shape != expected[name]:
            raise ValueError(
                f"`{name}` must be {expected[name]} for heatmaps of shape "
                f"{heatmaps.shape}. Received: {name}.shape={value.shape}"
            )
    if len(keypoints) != k_total:
        raise ValueError(
            f"`keypoints` must hold {k_total} points (one per heatmap). "
            f"Received: keypoints.shape={keypoints.shape}"
        )
    if num_keypoints is None:
        num_keypoints = k_total
    if not 1 <= num_keypoints <= k_total:
        raise ValueError(
            f"`num_keypoints` must be in [1, {k_total}]. "
            f"Received: num_keypoints={num_keypoints}"
        )
    if columns < 1:
        raise ValueError(f"`columns` must be >= 1. Received: columns={columns}")

    height, width = image.shape[:2]
    xs, cell_w = _cell_centres(w, width)
    ys, cell_h = _cell_centres(h, height)
    heat_extent = (
        xs[0] - cell_w / 2,
        xs[-1] + cell_w / 2,
        ys[-1] + cell_h / 2,
        ys[0] - cell_h / 2,
    )
    image_extent = (-0.5, width - 0.5, height - 0.5, -0.5)
    probabilities = _softmax_2d(heatmaps)
    palette = keypoint_palette(k_total) / 255.0
    colormap = matplotlib.colormaps[cmap]

    cols = min(columns, num_keypoints)
    rows = -(-num_keypoints // cols)
    figure_width, figure_height = cols * PANEL_PIXELS, rows * PANEL_PIXELS
    figure = new_figure(figure_width, figure_height)
    outer = figure.add_gridspec(
        rows,
        cols,
        left=MARGIN_PIXELS / figure_width,
        right=1 - MARGIN_PIXELS / figure_width,
        top=1 - TITLE_PIXELS / figure_height,
        bottom=MARGIN_PIXELS / figure_height,
        wspace=0.12,
        hspace=0.18,
    )
    for k in range(num_keypoints):
        inner = outer[k // cols, k % cols].subgridspec(
            2, 2, width_ratios=(4, 1), height_ratios=(1, 4), wspace=0.04, hspace=0.04
        )
        color = palette[k]
        top = figure.add_subplot(inner[0, 0])
        _marginal_bars(top, xs, prob_x[:, k], cell_w, color, image_extent[:2])
        top.set_title(f"keypoint {k}", fontsize=9)

        main = figure.add_subplot(inner[1, 0])
        main.imshow(image, extent=image_extent, interpolation="nearest")
        main.imshow(
            _overlay(probabilities[:, :, k], colormap, alpha),
            extent=heat_extent,
            interpolation="nearest",
        )
        main.scatter(
            [keypoints[k, 0]],
            [keypoints[k, 1]],
            s=40,
            c=[color],
            edgecolors="k",
            linewidths=1.0,
            zorder=3,
        )
        main.set_xlim(image_extent[0], image_extent[1])
        main.set_ylim(image_extent[2], image_extent[3])

        side = figure.add_subplot(inner[1, 1])
        _marginal_bars(
            side, ys, prob_y[:, k], cell_h, color, image_extent[2:], vertical=True
        )
        for axes in (top, main, side):
            axes.set_xticks([])
            axes.set_yticks([])
    return figure_to_array(figure)


def _marginal_bars(axes, centres, probabilities, cell, color, extent, vertical=False):
    """One marginal distribution as bars: along x above the map, along y beside it."""
    top = max(float(probabilities.max()), 1e-6) * 1.05
    style = dict(color=color, edgecolor="k", linewidth=0.3)
    if vertical:
        axes.barh(centres, probabilities, height=cell * 0.9, **style)
        axes.set_ylim(*extent)
        axes.set_xlim(0, top)
    else:
        axes.bar(centres, probabilities, width=cell * 0.9, **style)
        axes.set_xlim(*extent)
        axes.set_ylim(0, top)
