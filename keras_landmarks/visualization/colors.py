"""One fixed colour per keypoint index, shared by every picture."""

import colorsys

import numpy as np

# Golden-ratio hue steps keep neighbouring indices far apart on the colour wheel.
GOLDEN_RATIO_CONJUGATE = 0.6180339887498949
# Saturation/value cycles: after a full turn of hues, later indices differ in shade.
_SATURATIONS = (0.95, 0.55, 0.95, 0.75)
_VALUES = (1.0, 1.0, 0.7, 0.85)

OUTLINE_COLOR = (20, 20, 20)
ANNOTATED_COLOR = (40, 200, 60)  # green: ground-truth landmarks
PREDICTED_COLOR = (230, 40, 40)  # red: regressed landmarks
LINK_COLOR = (255, 230, 60)  # yellow: error segment between them


def keypoint_palette(num_keypoints):
    """`(num_keypoints, 3)` uint8 RGB colours; colour k never depends on K.

    Args:
        num_keypoints: int >= 0.

    Returns:
        uint8 array; row k is the colour of keypoint k in every picture.
    """
    if not isinstance(num_keypoints, (int, np.integer)) or num_keypoints < 0:
        raise ValueError(
            "`num_keypoints` must be an int >= 0. "
            f"Received: num_keypoints={num_keypoints!r}"
        )
    colors = []
    for k in range(int(num_keypoints)):
        hue = (k * GOLDEN_RATIO_CONJUGATE) % 1.0
        shade = (k // 12) % len(_SATURATIONS)
        rgb = colorsys.hsv_to_rgb(hue, _SATURATIONS[shade], _VALUES[shade])
        colors.append([round(255 * c) for c in rgb])
    return np.array(colors, dtype="uint8").reshape(-1, 3)
