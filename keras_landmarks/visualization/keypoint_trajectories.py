"""A video's keypoint tracks in one picture: trails over a frame, x and y over time."""

import numpy as np

from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import check_array
from keras_landmarks.visualization.drawing import check_keypoints
from keras_landmarks.visualization.drawing import to_uint8
from keras_landmarks.visualization.plotting import figure_to_array
from keras_landmarks.visualization.plotting import new_figure

# Raw detections under a smoothed track are drawn this transparent.
RAW_ALPHA = 0.35


def keypoint_trajectories(
    frame,
    keypoints,
    smoothed=None,
    frame_indices=None,
    title=None,
    size=(1200, 420),
):
    """Trails of every keypoint over `frame`, then x and y against frame index.

    Three panels: `frame` (e.g. the video's first) with each keypoint's path in
    its colour (`keypoint_palette`) and a dot where it starts; x against the
    frame index; y against the frame index (image rows downwards, as in the
    frame). With `smoothed`, the raw detections are drawn faint under the
    smoothed track. Non-finite points leave gaps.

    Args:
        frame: `(H, W, 3)` on [0, 255], the background of the trails.
        keypoints: `(T, K, 2)` pixel (x, y) of `frame`'s grid, per frame.
        smoothed: optional `(T, K, 2)`, the smoothed track.
        frame_indices: optional `(T,)` ints, the x axis (default 0..T-1).
        title: optional str above the picture.
        size: `(width, height)` in pixels, default (1200, 420).

    Returns:
        `(height, width, 3)` uint8.

    Example:

    >>> track = np.zeros((10, 2, 2)) + [[4.0, 5.0], [20.0, 8.0]]
    >>> keypoint_trajectories(np.zeros((32, 32, 3)), track).shape
    (420, 1200, 3)
    """
    frame = check_array(frame, "frame", 3, last_dim=3)
    keypoints = check_array(keypoints, "keypoints", 3, last_dim=2).astype("float32")
    if len(keypoints) == 0:
        raise ValueError("`keypoints` must hold at least one frame. Received: T=0")
    if smoothed is not None:
        smoothed = check_keypoints(smoothed, "smoothed", len(keypoints))
        if smoothed.shape != keypoints.shape:
            raise ValueError(
                "`smoothed` must have the shape of `keypoints`. Received: "
                f"{smoothed.shape} and {keypoints.shape}"
            )
    if frame_indices is None:
        frame_indices = np.arange(len(keypoints))
    frame_indices = np.asarray(frame_indices).reshape(-1)
    if len(frame_indices) != len(keypoints):
        raise ValueError(
            f"`frame_indices` must hold T={len(keypoints)} values. "
            f"Received: {len(frame_indices)}"
        )
    track = keypoints if smoothed is None else smoothed
    colors = keypoint_palette(keypoints.shape[1]) / 255.0

    figure = new_figure(*size)
    grid = figure.add_gridspec(2, 2, width_ratios=(1, 1.6))
    trails = figure.add_subplot(grid[:, 0])
    trails.imshow(to_uint8(frame))
    for k, color in enumerate(colors):
        if smoothed is not None:
            trails.plot(*keypoints[:, k].T, color=color, alpha=RAW_ALPHA, lw=0.8)
        trails.plot(*track[:, k].T, color=color, lw=1.5)
        trails.plot(*track[0, k], "o", color=color, markeredgecolor="k", ms=5)
    trails.set_xlim(-0.5, frame.shape[1] - 0.5)
    trails.set_ylim(frame.shape[0] - 0.5, -0.5)
    trails.set_xticks([])
    trails.set_yticks([])
    trails.set_title("trails (dot: first frame)", fontsize=9)
    for row, (axis, name) in enumerate(((0, "x"), (1, "y"))):
        axes = figure.add_subplot(grid[row, 1])
        for k, color in enumerate(colors):
            if smoothed is not None:
                axes.plot(
                    frame_indices, keypoints[:, k, axis], color=color, alpha=RAW_ALPHA
                )
            axes.plot(frame_indices, track[:, k, axis], color=color, lw=1.2)
        axes.set_ylabel(f"{name} (pixels)")
        axes.grid(True, alpha=0.3)
        if name == "y":
            axes.invert_yaxis()  # image rows go down
            axes.set_xlabel("frame")
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure_to_array(figure)
