"""Drawing primitives of the synthetic generators: anti-aliased coverage of signed
distances, per-image broadcasting, conversion to uint8.

Images being drawn are `(3, B, H, W)` float32 in [0, 1] (channels first, so each
channel is one contiguous block); per-image values are `(B,)`.
"""

import numpy as np


def col(values):
    """`(B,)` per-image values -> `(B, 1, 1)` float32 for broadcasting."""
    return np.asarray(values, dtype=np.float32)[:, None, None]


def colour_planes(colours):
    """`(B, 3)` colours -> `(3, B, 1, 1)` float32."""
    return np.asarray(colours, dtype=np.float32).T[:, :, None, None]


def coverage(distance, pixels_per_unit, softness=1.0):
    """Anti-aliased alpha from a signed distance in face units."""
    alpha = 0.5 - distance * (pixels_per_unit / softness)
    return np.clip(alpha, 0.0, 1.0, out=alpha)


def ellipse_distance(dx, dy, ax, ay):
    """Approximate signed distance to an axis-aligned ellipse (Quilez's bound).

    `k0 (k0 - 1) / k1` with `k0 = |p / r|` and `k1 = |p / r^2|`: exact on the
    axes and accurate near the boundary, which is all anti-aliasing needs.
    The small offsets keep the centre (0 / 0) at about `-min(ax, ay)`.
    """
    px = dx / ax
    py = dy / ay
    k0 = np.sqrt(px * px + py * py)
    px /= ax
    py /= ay
    k1 = np.sqrt(px * px + py * py)
    tiny = 1e-6
    return (k0 - 1.0) * (k0 + tiny) / (k1 + tiny / np.minimum(ax, ay))


def rotate(dx, dy, cos, sin):
    return cos * dx + sin * dy, -sin * dx + cos * dy


def to_uint8(rgb):
    """`(3, B, H, W)` float in [0, 1] -> `(B, H, W, 3)` uint8."""
    np.clip(rgb, 0.0, 1.0, out=rgb)
    rgb *= 255.0
    rgb += 0.5
    return rgb.astype(np.uint8).transpose(1, 2, 3, 0)
