"""Videos of articulated 2-D human figures with exact joints, in pure numpy.

A stand-in for BBC-Pose-like videos: each sequence shows one figure (head,
neck, torso, upper and lower arms and legs, hands, feet) with its own
appearance (skin, hair, shirt and trousers colours, striped, checked or plain
clothes) in front of its own cluttered background, moving smoothly: every joint
angle is a sum of slow random sinusoids of time, and the body drifts slowly.
Two frames of one sequence are two views of the same object in different
poses, which is what the paper's image pairs need.

The figure faces the viewer, so its right side is on the image's left, as for
the signers of BBC-Pose. Joints come from the same parameters as the drawing,
so they are exact. Pixel centres are at integer coordinates; points are (x, y).

The drawing helpers are shared with `faces.py`.
"""

import numpy as np

from keras_landmarks.data.synthetic.arguments import check_int
from keras_landmarks.data.synthetic.arguments import check_number
from keras_landmarks.data.synthetic.arguments import check_seed
from keras_landmarks.data.synthetic.background import draw_background
from keras_landmarks.data.synthetic.painting import col
from keras_landmarks.data.synthetic.painting import colour_planes
from keras_landmarks.data.synthetic.painting import coverage
from keras_landmarks.data.synthetic.painting import to_uint8

# The 7 BBC-Pose joints in its order (Charles et al. 2013), then the lower body.
# "right" is the figure's right, which is on the image's left.
JOINT_NAMES = (
    "head",
    "right_wrist",
    "left_wrist",
    "right_elbow",
    "left_elbow",
    "right_shoulder",
    "left_shoulder",
    "right_hip",
    "left_hip",
    "right_knee",
    "left_knee",
    "right_ankle",
    "left_ankle",
)
# Indices of the BBC-Pose joints in `JOINT_NAMES`, in BBC-Pose order.
BBC_POSE_JOINTS = (0, 1, 2, 3, 4, 5, 6)

_HEAD, _R_WRIST, _L_WRIST, _R_ELBOW, _L_ELBOW, _R_SHOULDER, _L_SHOULDER = range(7)
_R_HIP, _L_HIP, _R_KNEE, _L_KNEE, _R_ANKLE, _L_ANKLE = range(7, 13)

# Body proportions in torso lengths (neck to pelvis).
_NECK_LENGTH = 0.18
# Height of the figure from the top of the head to the soles, in torso lengths,
# for the mean proportions below; used to scale the figure to the frame.
_MEAN_HEIGHT = 3.35

# Joint-angle motion: each angle is mean + a sum of `_HARMONICS` sinusoids with
# periods of `_PERIODS` frames, so consecutive frames differ by a few degrees.
_HARMONICS = 3
_PERIODS = (12.0, 60.0)


# The per-sequence attributes the drawing reads.
_APPEARANCE = (
    "scale",
    "limb_radius",
    "head_radius",
    "shoulder_half",
    "hip_half",
    "skin",
    "hair",
    "shirt",
    "shirt_pattern",
    "trousers",
    "pattern",
    "pattern_period",
    "shoes",
)


def _smooth_signal(rng, shape, length, amplitude):
    """`(*shape, length)` random smooth signals in about `[-amplitude, amplitude]`."""
    t = np.arange(length, dtype=np.float64)
    period = rng.uniform(*_PERIODS, (*shape, _HARMONICS, 1))
    phase = rng.uniform(0, 2 * np.pi, (*shape, _HARMONICS, 1))
    weight = rng.dirichlet(np.ones(_HARMONICS), shape)[..., None]
    waves = np.sin(2 * np.pi * t / period + phase) * weight
    return amplitude * waves.sum(axis=-2)


def _direction(angle):
    """Unit vectors `(..., 2)` at `angle` radians from straight down (+y)."""
    return np.stack([np.sin(angle), np.cos(angle)], axis=-1)


class _FigureParameters:
    """Appearance, proportions and joint trajectories of `S` sequences."""

    def __init__(self, rng, num_sequences, length, size, figure_height, max_drift):
        s, t = num_sequences, length
        uniform = rng.uniform
        # Proportions, in torso lengths.
        self.shoulder_half = uniform(0.33, 0.42, s)
        self.hip_half = uniform(0.17, 0.24, s)
        self.upper_arm = uniform(0.52, 0.62, s)
        self.forearm = uniform(0.48, 0.56, s)
        self.thigh = uniform(0.78, 0.88, s)
        self.shin = uniform(0.72, 0.82, s)
        self.head_radius = uniform(0.2, 0.25, s)
        self.limb_radius = uniform(0.07, 0.1, s)
        # Colours and textures.
        tone = uniform(0, 1, (s, 1))
        self.skin = (1 - tone) * np.array([0.95, 0.8, 0.68]) + tone * np.array(
            [0.38, 0.24, 0.16]
        )
        self.hair = uniform(0.05, 0.6, (s, 1)) * np.array([1.0, 0.75, 0.5])
        self.shirt = uniform(0.05, 0.95, (s, 3))
        self.shirt_pattern = uniform(0.05, 0.95, (s, 3))
        self.trousers = uniform(0.05, 0.7, (s, 3))
        self.pattern = rng.integers(3, size=s)  # plain, stripes, checks
        self.pattern_period = uniform(0.18, 0.35, s)
        self.shoes = uniform(0.0, 0.3, (s, 3))

        # Joint angles over time, radians; arm and leg angles are measured from
        # the torso's down direction, positive outwards.
        def angle(mean_low, mean_high, amplitude, count=2):
            mean = uniform(mean_low, mean_high, (s, count, 1))
            return np.deg2rad(mean + _smooth_signal(rng, (s, count), t, amplitude))

        self.torso_lean = angle(-6, 6, 8, 1)[:, 0]
        self.head_tilt = angle(-5, 5, 12, 1)[:, 0]
        self.shoulder = np.clip(angle(20, 70, 55), np.deg2rad(5), np.deg2rad(170))
        self.elbow = np.clip(angle(20, 70, 60), np.deg2rad(-20), np.deg2rad(150))
        self.hip = np.clip(angle(3, 12, 10), np.deg2rad(-5), np.deg2rad(35))
        self.knee = np.clip(angle(-5, 10, 12), np.deg2rad(-25), np.deg2rad(30))
        # Placement: pixels per torso length; the pelvis starts where the soles
        # (about 1.75 torso lengths below it) stand 6 % above the bottom edge,
        # drifts along a straight line (less vertically) and sways a little.
        self.scale = figure_height * size / _MEAN_HEIGHT * uniform(0.9, 1.1, s)
        start = np.stack(
            [np.full(s, (size - 1) / 2.0), 0.94 * (size - 1) - 1.75 * self.scale], -1
        )
        drift = uniform(-1, 1, (s, 2)) * max_drift * size * np.array([1.0, 0.3])
        progress = np.linspace(-0.5, 0.5, t) if t > 1 else np.zeros(1)
        sway = np.moveaxis(_smooth_signal(rng, (s, 2), t, 0.02 * size), 1, 2)
        self.pelvis = (
            start[:, None, :] + drift[:, None, :] * progress[None, :, None] + sway
        )

    def appearance(self, start, stop, length):
        """Per-sequence attributes of sequences `start:stop`, one row per frame."""
        part = object.__new__(_FigureParameters)
        for name in _APPEARANCE:
            setattr(part, name, np.repeat(getattr(self, name)[start:stop], length, 0))
        return part

    def joints(self):
        """`(S, T, 13, 2)` joints and `(S, T, 2)` neck, in pixels."""
        scale = self.scale[:, None, None]
        down = _direction(self.torso_lean)  # (S, T, 2)
        right = np.stack([down[..., 1], -down[..., 0]], axis=-1)  # image-right
        neck = self.pelvis - scale * down
        head_dir = _direction(self.torso_lean + self.head_tilt)
        head_centre = neck - scale * (
            (_NECK_LENGTH + self.head_radius[:, None, None]) * head_dir
        )
        joints = np.zeros((*self.pelvis.shape[:2], len(JOINT_NAMES), 2))
        joints[:, :, _HEAD] = head_centre
        for side, (shoulder, elbow, wrist, hip, knee, ankle) in enumerate(
            (
                (_R_SHOULDER, _R_ELBOW, _R_WRIST, _R_HIP, _R_KNEE, _R_ANKLE),
                (_L_SHOULDER, _L_ELBOW, _L_WRIST, _L_HIP, _L_KNEE, _L_ANKLE),
            )
        ):
            sign = -1.0 if side == 0 else 1.0  # the figure's right is image-left
            joints[:, :, shoulder] = (
                neck
                + sign * scale * (self.shoulder_half[:, None, None] * right)
                + 0.12 * scale * down
            )
            upper = self.torso_lean + sign * self.shoulder[:, side]
            joints[:, :, elbow] = joints[:, :, shoulder] + scale * (
                self.upper_arm[:, None, None] * _direction(upper)
            )
            lower = upper + sign * self.elbow[:, side]
            joints[:, :, wrist] = joints[:, :, elbow] + scale * (
                self.forearm[:, None, None] * _direction(lower)
            )
            joints[:, :, hip] = self.pelvis + sign * scale * (
                self.hip_half[:, None, None] * right
            )
            thigh = self.torso_lean + sign * self.hip[:, side]
            joints[:, :, knee] = joints[:, :, hip] + scale * (
                self.thigh[:, None, None] * _direction(thigh)
            )
            shin = thigh - sign * self.knee[:, side]
            joints[:, :, ankle] = joints[:, :, knee] + scale * (
                self.shin[:, None, None] * _direction(shin)
            )
        return joints, neck


def _capsule(x, y, start, end, radius_start, radius_end):
    """Signed distance to a tapered capsule and the position `h` along it.

    `start`, `end`: `(B, 2)` pixel points; radii `(B,)`. Returns `(distance,
    h)`, `h` in [0, 1] from start to end (used for textures).
    """
    ax, ay = col(start[:, 0]), col(start[:, 1])
    bx = col(end[:, 0] - start[:, 0])
    by = col(end[:, 1] - start[:, 1])
    px, py = x - ax, y - ay
    h = (px * bx + py * by) / np.maximum(bx * bx + by * by, 1e-6)
    np.clip(h, 0.0, 1.0, out=h)
    px = px - bx * h
    py = py - by * h
    radius = col(radius_start) + col(radius_end - radius_start) * h
    return np.sqrt(px * px + py * py) - radius, h


class _Frames:
    """A chunk of frames `(3, B, H, W)` being drawn, restricted to windows.

    Each shape is evaluated only inside the union over the chunk's frames of
    its bounding box, which keeps small, slowly moving parts cheap.
    """

    def __init__(self, rgb):
        self.rgb = rgb
        _, _, self.height, self.width = rgb.shape
        self.x = np.arange(self.width, dtype=np.float32)[None, None, :]
        self.y = np.arange(self.height, dtype=np.float32)[None, :, None]

    def window(self, points, radius):
        """`(ys, xs)` covering discs of `radius` `(B,)` around each `(B, 2)` point.

        Returns None when nothing is inside the image.
        """
        points = np.stack(points)  # (num_points, B, 2)
        reach = np.max(radius) + 2.0
        x0 = int(np.clip(np.floor(points[..., 0].min() - reach), 0, self.width))
        x1 = int(np.clip(np.ceil(points[..., 0].max() + reach) + 1, 0, self.width))
        y0 = int(np.clip(np.floor(points[..., 1].min() - reach), 0, self.height))
        y1 = int(np.clip(np.ceil(points[..., 1].max() + reach) + 1, 0, self.height))
        if x0 >= x1 or y0 >= y1:
            return None
        return slice(y0, y1), slice(x0, x1)

    def grid(self, window):
        ys, xs = window
        return self.x[:, :, xs], self.y[:, ys, :]

    def paint(self, window, distance, colour):
        ys, xs = window
        view = self.rgb[:, :, ys, xs]
        view += coverage(distance, 1.0) * (colour - view)

    def capsule(self, start, end, radius_start, radius_end, colour, stripes=None):
        """Paints a tapered capsule, optionally striped across its length."""
        window = self.window((start, end), np.maximum(radius_start, radius_end))
        if window is None:
            return
        x, y = self.grid(window)
        distance, h = _capsule(x, y, start, end, radius_start, radius_end)
        if stripes is not None:
            period, pattern_colour, on = stripes
            length = np.hypot(*(end - start).T)
            band = np.sin(h * col(2 * np.pi * length / period)) > 0
            colour = colour + (pattern_colour - colour) * (band * col(on))
        self.paint(window, distance, colour)

    def disc(self, centre, radius, colour):
        window = self.window((centre,), radius)
        if window is None:
            return
        x, y = self.grid(window)
        distance = np.hypot(x - col(centre[:, 0]), y - col(centre[:, 1]))
        self.paint(window, distance - col(radius), colour)


def _draw_figures(frames, p, joints, neck):
    """Draws one chunk of frames; all arrays flattened over (sequence, frame)."""
    scale = p.scale
    limb = p.limb_radius * scale
    shirt, trousers, skin = (
        colour_planes(p.shirt),
        colour_planes(p.trousers),
        colour_planes(p.skin),
    )
    # Sleeves are striped across for the "stripes" and "checks" patterns.
    sleeve_stripes = (
        scale * p.pattern_period,
        colour_planes(p.shirt_pattern),
        (p.pattern > 0).astype(np.float32),
    )

    # Legs (behind the torso) and feet.
    for hip, knee, ankle in ((_R_HIP, _R_KNEE, _R_ANKLE), (_L_HIP, _L_KNEE, _L_ANKLE)):
        frames.capsule(
            joints[:, hip], joints[:, knee], 1.5 * limb, 1.25 * limb, trousers
        )
        frames.capsule(
            joints[:, knee], joints[:, ankle], 1.25 * limb, limb, trousers * 0.85
        )
        toe = joints[:, ankle] + np.stack([0 * scale, 0.12 * scale], 1)
        frames.capsule(joints[:, ankle], toe, limb, 1.1 * limb, colour_planes(p.shoes))

    # Neck, head, hair on the crown and two eyes so the head has a front.
    head = joints[:, _HEAD]
    head_radius = p.head_radius * scale
    frames.capsule(neck, head, 0.6 * limb, 0.6 * limb, skin * 0.85)
    frames.disc(head, head_radius, skin)
    window = frames.window((head,), head_radius)
    if window is not None:
        x, y = frames.grid(window)
        up = (head - neck) / np.maximum(np.hypot(*(head - neck).T), 1e-6)[:, None]
        dx, dy = x - col(head[:, 0]), y - col(head[:, 1])
        along = dx * col(up[:, 0]) + dy * col(up[:, 1])
        crown = np.hypot(dx, dy) - col(1.08 * head_radius)
        frames.paint(
            window,
            np.maximum(crown, col(0.1 * head_radius) - along),
            colour_planes(p.hair),
        )
        across = np.stack([-up[:, 1], up[:, 0]], 1)
        for side in (-1.0, 1.0):
            eye = head + (side * 0.38 * across - 0.05 * up) * head_radius[:, None]
            frames.disc(eye, 0.13 * head_radius, colour_planes(p.skin * 0.2))

    # Torso: a tapered capsule from the shoulders' to the hips' midpoint, with
    # the shirt pattern in torso coordinates.
    top = (joints[:, _R_SHOULDER] + joints[:, _L_SHOULDER]) / 2
    bottom = (joints[:, _R_HIP] + joints[:, _L_HIP]) / 2
    half_top = p.shoulder_half * scale * 0.95
    half_bottom = (p.hip_half + 0.08) * scale
    window = frames.window((top, bottom), np.maximum(half_top, half_bottom))
    if window is not None:
        x, y = frames.grid(window)
        torso, h = _capsule(x, y, top, bottom, half_top, half_bottom)
        axis = bottom - top
        axis_length = np.maximum(np.hypot(*axis.T), 1e-6)
        across = (x - col(top[:, 0])) * col(-axis[:, 1] / axis_length) + (
            y - col(top[:, 1])
        ) * col(axis[:, 0] / axis_length)
        period = col(p.pattern_period * scale)
        stripes = np.sin(h * col(2 * np.pi * axis_length) / period) > 0
        checks = stripes ^ (np.sin(across * (2 * np.pi) / period) > 0)
        pattern = np.where(col(p.pattern == 2), checks, stripes) * col(p.pattern > 0)
        frames.paint(
            window, torso, shirt + (colour_planes(p.shirt_pattern) - shirt) * pattern
        )

    # Arms in front of the torso, then hands.
    for shoulder, elbow, wrist in (
        (_R_SHOULDER, _R_ELBOW, _R_WRIST),
        (_L_SHOULDER, _L_ELBOW, _L_WRIST),
    ):
        frames.capsule(
            joints[:, shoulder],
            joints[:, elbow],
            1.2 * limb,
            limb,
            shirt,
            sleeve_stripes,
        )
        frames.capsule(
            joints[:, elbow],
            joints[:, wrist],
            limb,
            0.85 * limb,
            shirt * 0.9,
            sleeve_stripes,
        )
        frames.disc(joints[:, wrist], 1.15 * limb, skin)


def make_figure_sequences(
    num_sequences,
    length,
    size=64,
    seed=0,
    figure_height=0.8,
    max_drift=0.15,
    clutter=True,
    noise=0.02,
):
    """Draws short videos of moving 2-D human figures and their joints.

    Each sequence has its own figure (proportions, skin, hair, clothes colours
    and pattern) and background; over its frames the joint angles (torso lean,
    head tilt, shoulders, elbows, hips, knees) follow smooth random functions
    of time and the body drifts slowly, so consecutive frames differ a little
    and distant frames a lot.

    Joints, in (x, y) pixels with pixel centres at integers, in the order of
    `JOINT_NAMES`: the 7 BBC-Pose joints in BBC-Pose order (head centre, right
    wrist, left wrist, right elbow, left elbow, right shoulder, left shoulder;
    `BBC_POSE_JOINTS` indexes them), then hips, knees and ankles. "right" is
    the figure's right, on the image's left. Deterministic for given
    arguments.

    Args:
        num_sequences: int >= 1.
        length: int >= 1, frames per sequence.
        size: int >= 16, default 64. Height and width in pixels.
        seed: non-negative int, default 0.
        figure_height: float, default 0.8. Mean height of the standing figure
            as a fraction of `size` (it varies by +-10 %).
        max_drift: float, default 0.15. The largest distance the body drifts
            sideways over a sequence, as a fraction of `size` (vertically 30 %
            of that).
        clutter: bool, default True. Textured background with random shapes;
            False gives a plain random colour.
        noise: float, default 0.02. Standard deviation of uniform pixel noise
            in [0, 1] units.

    Returns:
        Tuple `(frames, joints, joint_names)`: `frames` uint8 `(num_sequences,
        length, size, size, 3)`, `joints` float32 `(num_sequences, length, 13,
        2)`, `joint_names` the tuple `JOINT_NAMES`.

    Example:

    >>> frames, joints, names = make_figure_sequences(2, 8, size=64)
    >>> frames.shape, joints.shape, names[:3]
    ((2, 8, 64, 64, 3), (2, 8, 13, 2), ('head', 'right_wrist', 'left_wrist'))
    >>> joints[..., BBC_POSE_JOINTS, :].shape
    (2, 8, 7, 2)
    """
    num_sequences = check_int("num_sequences", num_sequences, 1)
    length = check_int("length", length, 1)
    size = check_int("size", size, 16)
    seed = check_seed(seed)
    figure_height = check_number("figure_height", figure_height, 0.1, 1.5)
    max_drift = check_number("max_drift", max_drift, 0.0, 1.0)
    noise = check_number("noise", noise, 0.0, 1.0)
    if not isinstance(clutter, bool):
        raise ValueError(f"`clutter` must be a bool. Received: clutter={clutter!r}")

    rng = np.random.default_rng(seed)
    params = _FigureParameters(
        rng, num_sequences, length, size, figure_height, max_drift
    )
    joints, neck = params.joints()
    frames = np.empty((num_sequences, length, size, size, 3), dtype=np.uint8)
    sequences_per_chunk = max(1, (1 << 18) // (size * size * length))
    for start in range(0, num_sequences, sequences_per_chunk):
        stop = min(start + sequences_per_chunk, num_sequences)
        background = np.empty((3, stop - start, size, size), dtype=np.float32)
        draw_background(rng, background, clutter)
        rgb = np.repeat(background, length, axis=1)
        _draw_figures(
            _Frames(rgb),
            params.appearance(start, stop, length),
            joints[start:stop].reshape(-1, len(JOINT_NAMES), 2),
            neck[start:stop].reshape(-1, 2),
        )
        if noise > 0:
            bound = np.sqrt(3) * noise
            rgb += rng.uniform(-bound, bound, rgb.shape).astype(np.float32)
        frames[start:stop] = to_uint8(rgb).reshape(stop - start, length, size, size, 3)
    return frames, joints.astype(np.float32), JOINT_NAMES
