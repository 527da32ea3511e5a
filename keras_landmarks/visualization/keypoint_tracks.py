"""Keypoints tracked through a video: a strip of frames plus the trajectories."""

import numpy as np
from PIL import Image
from PIL import ImageDraw

from keras_landmarks.visualization.colors import OUTLINE_COLOR
from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import DEFAULT_MIN_SIZE
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import check_array
from keras_landmarks.visualization.drawing import check_keypoints
from keras_landmarks.visualization.drawing import default_radius
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.drawing import draw_markers
from keras_landmarks.visualization.drawing import grid
from keras_landmarks.visualization.drawing import scale_points
from keras_landmarks.visualization.drawing import to_uint8
from keras_landmarks.visualization.drawing import upscale
from keras_landmarks.visualization.drawing import upscale_factor

# The last frame under the trajectories is faded towards white by this much.
TRACK_BACKGROUND_FADE = 0.5


def keypoint_tracks(
    frames,
    keypoints,
    num_frames=6,
    min_size=DEFAULT_MIN_SIZE,
    labels=False,
    titles=True,
    gutter=GUTTER,
):
    """A strip of frames with their keypoints, then every trajectory on the last.

    Args:
        frames: `(T, H, W, 3)` on [0, 255].
        keypoints: `(T, K, 2)` pixel (x, y) per frame.
        num_frames: int, default 6. Frames shown in the strip, evenly spaced
            from the first to the last (all frames when T is smaller).
        min_size: int or None, default 128. See `quadruplets`.
        labels: bool, default False. Write keypoint indices.
        titles: bool, default True. Frame numbers above the panels.
        gutter: white pixels between panels.

    Returns:
        uint8 picture, one row of `min(num_frames, T) + 1` panels; the last
        panel is the last frame (faded) with each keypoint's path in its colour.
    """
    frames = check_array(frames, "frames", 4, last_dim=3)
    keypoints = check_keypoints(keypoints, "keypoints", len(frames))
    if len(frames) == 0:
        raise ValueError("keypoint_tracks needs at least one frame. Received: 0")
    if num_frames < 1:
        raise ValueError(
            f"`num_frames` must be >= 1. Received: num_frames={num_frames}"
        )
    count = min(num_frames, len(frames))
    shown = np.unique(np.round(np.linspace(0, len(frames) - 1, count)).astype(int))
    factor = upscale_factor(*frames.shape[1:3], min_size)
    panels = [
        draw_keypoints(frames[t], keypoints[t], scale=factor, labels=labels)
        for t in shown
    ]

    last = upscale(to_uint8(frames[-1]), factor).astype("float32")
    faded = last * (1 - TRACK_BACKGROUND_FADE) + 255 * TRACK_BACKGROUND_FADE
    canvas = Image.fromarray(faded.astype("uint8"))
    draw = ImageDraw.Draw(canvas)
    palette = keypoint_palette(keypoints.shape[1])
    radius = default_radius(min(last.shape[:2]))
    paths = scale_points(keypoints, factor)  # (T, K, 2)
    for k in range(paths.shape[1]):
        path = [tuple(p) for p in paths[:, k] if np.all(np.isfinite(p))]
        if len(path) > 1:
            draw.line(path, fill=OUTLINE_COLOR, width=4, joint="curve")
            draw.line(path, fill=tuple(int(c) for c in palette[k]), width=2)
    draw_markers(
        canvas,
        paths[-1],
        palette,
        radius,
        labels=[str(k) for k in range(paths.shape[1])] if labels else None,
    )
    panels.append(np.asarray(canvas))
    column_titles = None
    if titles:
        column_titles = [f"frame {t}" for t in shown] + ["tracks"]
    return grid([panels], gutter=gutter, column_titles=column_titles)
