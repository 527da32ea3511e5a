"""Procedurally drawn faces with exact 5-point landmarks, in pure numpy.

A stand-in for CelebA/MAFL that needs no download: face-like objects with a
random identity (head shape, skin, hair, eye and lip colours, feature
proportions), expression (brows, mouth open or closed, smile), pose (rotation,
scale, shift, some yaw), cluttered backgrounds and lighting. Every shape is a
signed-distance function evaluated on the pixel grid and anti-aliased over one
pixel, so faces look the same at any size. The landmarks are computed from the
same parameters as the drawing, so they are exact.

The default framing is the "aligned-crop" framing measured in
`reference/CPU-TRAINING.md`, which trained well on a 2-core CPU.

Conventions: pixel centres at integer coordinates (pixel (0, 0) is centred on
x = 0, y = 0); points are (x, y); "left" is the viewer's left, as in MAFL.
"""

import numpy as np

from keras_landmarks.data.synthetic.arguments import check_int
from keras_landmarks.data.synthetic.arguments import check_number
from keras_landmarks.data.synthetic.arguments import check_range
from keras_landmarks.data.synthetic.arguments import check_seed
from keras_landmarks.data.synthetic.background import draw_background
from keras_landmarks.data.synthetic.painting import col
from keras_landmarks.data.synthetic.painting import colour_planes
from keras_landmarks.data.synthetic.painting import coverage
from keras_landmarks.data.synthetic.painting import ellipse_distance
from keras_landmarks.data.synthetic.painting import rotate
from keras_landmarks.data.synthetic.painting import to_uint8

# MAFL / CelebA order of the 5 landmarks; "left" is the image's left.
LANDMARK_NAMES = (
    "left_eye",
    "right_eye",
    "nose_tip",
    "left_mouth_corner",
    "right_mouth_corner",
)

# Aligned-crop framing (reference/CPU-TRAINING.md): inter-ocular distance 0.25-0.35
# of the width, rotation +-15 degrees, shift +-6 % of the width, eye midpoint at
# 40 % of the height. The inter-ocular range includes the +-10 % scale jitter.
ALIGNED_FRAMING = dict(
    inter_ocular_range=(0.25, 0.35),
    max_rotation=15.0,
    max_shift=0.06,
    eye_height=0.40,
)
# Loose framing of the same note: IOD 0.19 of the width, rotation +-20 degrees,
# scale +-15 %, shift +-9 %; its mean-shape baseline is about twice as high. The
# note gives no eye height; 0.45 keeps the smaller face centred.
LOOSE_FRAMING = dict(
    inter_ocular_range=(0.19 * 0.85, 0.19 * 1.15),
    max_rotation=20.0,
    max_shift=0.09,
    eye_height=0.45,
)
# `make_faces(**FRAMINGS[name])`.
FRAMINGS = {"aligned": ALIGNED_FRAMING, "loose": LOOSE_FRAMING}
# The faces of the main job (`keras-landmarks demo`, `run_synthetic_faces`) and
# so of the shipped `synthetic_faces` preset: loose framing and half-contrast
# clutter, measured on a 2-core CPU (README, "The main job"): half-contrast
# clutter learns faster than full contrast, which takes most of the pixel loss.
MAIN_JOB_FRAMING = "loose"
MAIN_JOB_CLUTTER = 0.5

# Depth of the features in front of the head's vertical axis, in inter-ocular
# units: yaw moves a feature sideways by depth * sin(yaw).
_EYE_DEPTH = 0.55
_BROW_DEPTH = 0.6
_NOSE_DEPTH = 1.0
_MOUTH_DEPTH = 0.75


_SKIN_LIGHT = np.array([0.97, 0.82, 0.70])
_SKIN_DARK = np.array([0.38, 0.24, 0.16])
_HAIR_COLOURS = np.array(
    [
        [0.08, 0.06, 0.05],  # black
        [0.25, 0.15, 0.08],  # dark brown
        [0.50, 0.33, 0.18],  # light brown
        [0.85, 0.70, 0.40],  # blond
        [0.60, 0.25, 0.10],  # red
        [0.70, 0.70, 0.70],  # grey
    ]
)
_IRIS_COLOURS = np.array(
    [
        [0.30, 0.18, 0.08],  # brown
        [0.15, 0.10, 0.06],  # dark brown
        [0.25, 0.45, 0.70],  # blue
        [0.30, 0.50, 0.30],  # green
        [0.45, 0.45, 0.50],  # grey
    ]
)


def _chunk_size(size):
    """Images drawn together: about 2^16 pixels (16 at 64x64).

    Small enough that the working arrays stay in a 2 MB L2 cache; on the 2-core
    CPU this was 20 % faster than 2^18 pixels and than 2^14.
    """
    return max(1, (1 << 16) // (size * size))


class _Canvas:
    """A batch of RGB images being drawn, plus each image's face frame.

    `rgb` is `(3, B, H, W)` float32 (channels first, so each channel is one
    contiguous block). The face frame of image `b` maps face coordinates `(u, v)`
    (inter-ocular units, origin between the frontal eyes, v down) to pixels
    by `pixel = origin + scale * R(angle) @ (u, v)`.
    """

    def __init__(self, rgb, origin, scale, angle):
        self.rgb = rgb
        _, batch, height, width = rgb.shape
        self.height, self.width = height, width
        self.origin = origin.astype(np.float32)  # (B, 2)
        self.scale = scale.astype(np.float32)  # (B,)
        self.cos = np.cos(angle).astype(np.float32)
        self.sin = np.sin(angle).astype(np.float32)
        x = np.arange(width, dtype=np.float32)[None, None, :]
        y = np.arange(height, dtype=np.float32)[None, :, None]
        dx = x - self.origin[:, 0, None, None]
        dy = y - self.origin[:, 1, None, None]
        inv = (1.0 / self.scale)[:, None, None]
        self.u = (self.cos[:, None, None] * dx + self.sin[:, None, None] * dy) * inv
        self.v = (-self.sin[:, None, None] * dx + self.cos[:, None, None] * dy) * inv
        # Anti-aliasing: an alpha ramp one pixel wide = `1 / scale` face units.
        self.pixels_per_unit = self.scale[:, None, None]

    def to_pixels(self, u, v):
        """Face coordinates `(B,)` -> pixel `(B,)` x and y."""
        x = self.origin[:, 0] + self.scale * (self.cos * u - self.sin * v)
        y = self.origin[:, 1] + self.scale * (self.sin * u + self.cos * v)
        return x, y

    def region(self, u, v, radius):
        """Grid slices covering the discs `(u, v, radius)` of every image.

        Returns `(ys, xs)` slices, or None when no pixel is covered. Drawing
        only inside the batch's union bounding box is what keeps small
        features cheap.
        """
        x, y = self.to_pixels(u, v)
        reach = self.scale * radius + 2.0
        x0 = int(np.clip(np.floor(np.min(x - reach)), 0, self.width))
        x1 = int(np.clip(np.ceil(np.max(x + reach)) + 1, 0, self.width))
        y0 = int(np.clip(np.floor(np.min(y - reach)), 0, self.height))
        y1 = int(np.clip(np.ceil(np.max(y + reach)) + 1, 0, self.height))
        if x0 >= x1 or y0 >= y1:
            return None
        return slice(y0, y1), slice(x0, x1)

    def paint(self, region, alpha, colour):
        """Blends `colour` (`(3, B, 1, 1)` or `(3, B, h, w)`) with weight `alpha`."""
        ys, xs = region
        view = self.rgb[:, :, ys, xs]
        view += alpha * (colour - view)


class _FaceParameters:
    """Random identity, expression and pose of `num_images` faces."""

    def __init__(self, rng, num_images, size, framing, max_yaw):
        n = num_images
        uniform = rng.uniform
        # Identity: head and feature proportions in inter-ocular units.
        self.head_width = uniform(0.95, 1.15, n)
        self.head_height = uniform(1.30, 1.55, n)
        self.head_centre = uniform(0.20, 0.35, n)
        self.jaw_taper = uniform(0.10, 0.35, n)
        self.eye_width = uniform(0.17, 0.23, n)
        self.eye_height = uniform(0.075, 0.11, n)
        self.iris_radius = uniform(0.075, 0.095, n)
        self.brow_height = uniform(0.26, 0.34, n)
        self.brow_width = uniform(0.21, 0.28, n)
        self.brow_thickness = uniform(0.035, 0.065, n)
        self.nose_length = uniform(0.55, 0.72, n)
        self.nose_width = uniform(0.11, 0.16, n)
        self.mouth_height = self.nose_length + uniform(0.38, 0.52, n)
        self.mouth_half_width = uniform(0.32, 0.45, n)
        self.upper_lip = uniform(0.045, 0.08, n)
        self.lower_lip = uniform(0.07, 0.12, n)
        self.hair_style = rng.choice(3, n, p=[0.1, 0.5, 0.4])  # bald, short, long
        self.hairline = uniform(-0.95, -0.6, n)
        self.hair_tilt = uniform(-0.25, 0.25, n)
        # Colours.
        tone = uniform(0.0, 1.0, n)[:, None]
        self.skin = (1 - tone) * _SKIN_LIGHT + tone * _SKIN_DARK
        self.skin *= uniform(0.92, 1.08, (n, 3))
        hair = _HAIR_COLOURS[rng.integers(len(_HAIR_COLOURS), size=n)]
        self.hair = hair * uniform(0.75, 1.25, (n, 1)) * uniform(0.93, 1.07, (n, 3))
        self.iris = _IRIS_COLOURS[rng.integers(len(_IRIS_COLOURS), size=n)]
        self.iris = self.iris * uniform(0.85, 1.15, (n, 3))
        redness = uniform(0.25, 0.6, n)[:, None]
        self.lips = (1 - redness) * self.skin * 0.8 + redness * np.array(
            [0.70, 0.20, 0.22]
        )
        self.clothes = uniform(0.05, 0.95, (n, 3))
        # Expression.
        self.brow_raise = uniform(-0.06, 0.10, n)
        self.brow_tilt = uniform(-0.25, 0.25, n)  # radians, + = inner end down
        self.smile = uniform(-0.35, 0.7, n)  # mouth bend, 1 / IOD units
        self.mouth_open = np.where(uniform(0, 1, n) < 0.3, uniform(0.06, 0.2, n), 0.0)
        # Pose.
        self.yaw = np.deg2rad(uniform(-max_yaw, max_yaw, n))
        self.angle = np.deg2rad(
            uniform(-framing["max_rotation"], framing["max_rotation"], n)
        )
        low, high = framing["inter_ocular_range"]
        inter_ocular = uniform(low, high, n) * size
        # The drawn (foreshortened) eye distance is cos(yaw) face units.
        self.scale = inter_ocular / np.cos(self.yaw)
        shift = uniform(-1, 1, (n, 2)) * framing["max_shift"] * size
        eye_midpoint = (
            np.stack(
                [
                    np.full(n, (size - 1) / 2.0),
                    np.full(n, framing["eye_height"] * (size - 1)),
                ],
                axis=1,
            )
            + shift
        )
        # Put the drawn eye midpoint, (depth * sin(yaw), 0) in face units, there.
        midpoint_u = _EYE_DEPTH * np.sin(self.yaw) * self.scale
        self.origin = eye_midpoint - np.stack(
            [np.cos(self.angle) * midpoint_u, np.sin(self.angle) * midpoint_u], 1
        )
        light_angle = uniform(0, 2 * np.pi, n)
        self.lighting = np.stack([np.cos(light_angle), np.sin(light_angle)], 1)

    def rows(self, start, stop):
        """The parameters of images `start:stop`."""
        part = object.__new__(_FaceParameters)
        for name, value in vars(self).items():
            setattr(part, name, value[start:stop])
        return part

    def feature_u(self, frontal_u, depth):
        """Horizontal face coordinate of a feature after yaw."""
        return frontal_u * np.cos(self.yaw) + depth * np.sin(self.yaw)

    def landmarks_face(self):
        """`(N, 5, 2)` landmarks in face coordinates."""
        yaw_cos = np.cos(self.yaw)
        mouth_u = self.feature_u(0.0, _MOUTH_DEPTH)
        corner_v = self.mouth_height - self.smile * self.mouth_half_width**2
        return np.stack(
            [
                np.stack([self.feature_u(-0.5, _EYE_DEPTH), 0 * self.yaw], -1),
                np.stack([self.feature_u(0.5, _EYE_DEPTH), 0 * self.yaw], -1),
                np.stack([self.feature_u(0.0, _NOSE_DEPTH), self.nose_length], -1),
                np.stack([mouth_u - self.mouth_half_width * yaw_cos, corner_v], -1),
                np.stack([mouth_u + self.mouth_half_width * yaw_cos, corner_v], -1),
            ],
            axis=1,
        )


def _draw_faces(canvas, p):
    """Draws the faces of parameters `p` (one chunk) on `canvas`."""
    ppu = canvas.pixels_per_unit
    u, v = canvas.u, canvas.v
    yaw_cos = np.cos(p.yaw).astype(np.float32)
    ones = np.ones_like(p.yaw)

    # Shoulders and neck.
    region = canvas.region(0 * ones, 3.1 * ones, 2.6 * ones)
    if region is not None:
        ys, xs = region
        d = ellipse_distance(u[:, ys, xs], v[:, ys, xs] - 3.1, 2.2, 1.0)
        canvas.paint(region, coverage(d, ppu), colour_planes(p.clothes))
    region = canvas.region(0 * ones, 1.9 * ones, 1.0 * ones)
    if region is not None:
        ys, xs = region
        du = np.abs(u[:, ys, xs]) - col(0.45 * p.head_width)
        dv = np.abs(v[:, ys, xs] - 1.9) - 0.7
        d = np.maximum(du, dv)
        canvas.paint(region, coverage(d, ppu), colour_planes(p.skin * 0.8))

    # Long hair falls behind the head.
    long_hair = col(p.hair_style == 2)
    region = canvas.region(0 * ones, 0.7 * ones, 2.2 * ones)
    if region is not None and np.any(p.hair_style == 2):
        ys, xs = region
        d = ellipse_distance(
            u[:, ys, xs],
            v[:, ys, xs] - 0.55,
            col(p.head_width + 0.3),
            col(p.head_height + 0.5),
        )
        d = np.maximum(d, v[:, ys, xs] - col(p.head_centre + p.head_height + 0.4))
        canvas.paint(region, coverage(d, ppu) * long_hair, colour_planes(p.hair * 0.8))

    # Ears.
    for side in (-1.0, 1.0):
        ear_u = side * p.head_width * yaw_cos - 0.3 * np.sin(p.yaw)
        region = canvas.region(ear_u, 0.3 * ones, 0.35 * ones)
        if region is not None:
            ys, xs = region
            d = ellipse_distance(
                u[:, ys, xs] - col(ear_u), v[:, ys, xs] - 0.3, 0.14, 0.26
            )
            canvas.paint(region, coverage(d, ppu), colour_planes(p.skin * 0.85))

    # Head: an egg, narrower at the jaw, shaded darker towards its rim.
    head_reach = np.maximum(p.head_width, p.head_height) + 0.1
    region = canvas.region(0 * ones, p.head_centre, head_reach)
    ys, xs = region
    hu = u[:, ys, xs]
    hv = v[:, ys, xs] - col(p.head_centre)
    taper = 1.0 - col(p.jaw_taper) * np.maximum(hv, 0) / col(p.head_height)
    width = col(p.head_width) * taper
    d = ellipse_distance(hu, hv, width, col(p.head_height))
    radial = (hu / width) ** 2 + (hv / col(p.head_height)) ** 2
    light = 1.0 + 0.12 * (col(p.lighting[:, 0]) * hu + col(p.lighting[:, 1]) * hv)
    shade = (1.0 - 0.3 * np.minimum(radial, 1.0) ** 2) * light
    canvas.paint(region, coverage(d, ppu), colour_planes(p.skin) * shade)

    # Hair: a cap over the head minus a face window whose top is the (tilted)
    # hairline, down to ear level at the sides.
    has_hair = col(p.hair_style > 0)
    d = ellipse_distance(
        hu, hv + 0.05, col(p.head_width + 0.06), col(p.head_height + 0.08)
    )
    window_v = v[:, ys, xs] - col(p.hair_tilt) * hu - col(p.hairline + 1.6)
    window = ellipse_distance(hu, window_v, col(0.86 * p.head_width), 1.6)
    d = np.maximum(np.maximum(d, -window), v[:, ys, xs] - 0.3)
    texture = 1.0 + 0.06 * np.sin(hu * 25.0 + 4.0 * hv)
    canvas.paint(region, coverage(d, ppu) * has_hair, colour_planes(p.hair) * texture)

    # Eyes: dark outline, white, iris, pupil. The eye centre is the landmark.
    for side in (-1.0, 1.0):
        eye_u = p.feature_u(0.5 * side, _EYE_DEPTH)
        eye_width = p.eye_width * yaw_cos
        region = canvas.region(eye_u, 0 * ones, p.eye_width + 0.05)
        ys, xs = region
        du = u[:, ys, xs] - col(eye_u)
        dv = v[:, ys, xs]
        outline = ellipse_distance(
            du, dv + 0.01, col(eye_width + 0.03), col(p.eye_height + 0.035)
        )
        canvas.paint(region, coverage(outline, ppu), colour_planes(p.skin * 0.35))
        white = ellipse_distance(du, dv, col(eye_width), col(p.eye_height))
        white_alpha = coverage(white, ppu)
        canvas.paint(region, white_alpha, colour_planes(np.full_like(p.skin, 0.93)))
        iris = np.sqrt(du * du + dv * dv)
        canvas.paint(
            region,
            np.minimum(coverage(iris - col(p.iris_radius), ppu), white_alpha),
            colour_planes(p.iris),
        )
        canvas.paint(
            region,
            coverage(iris - col(0.45 * p.iris_radius), ppu),
            colour_planes(np.full_like(p.skin, 0.03)),
        )

    # Brows, tilted by expression.
    brow_v = -p.brow_height - p.brow_raise
    for side in (-1.0, 1.0):
        brow_u = p.feature_u(0.5 * side + 0.03 * side, _BROW_DEPTH)
        region = canvas.region(brow_u, brow_v, p.brow_width + 0.05)
        ys, xs = region
        tilt = -side * p.brow_tilt
        du, dv = rotate(
            u[:, ys, xs] - col(brow_u),
            v[:, ys, xs] - col(brow_v),
            col(np.cos(tilt)),
            col(np.sin(tilt)),
        )
        dv = dv + 0.6 * du * du  # arched
        d = ellipse_distance(du, dv, col(p.brow_width * yaw_cos), col(p.brow_thickness))
        canvas.paint(region, coverage(d, ppu), colour_planes(p.hair * 0.7))

    # Nose: a soft ridge shadow, the tip, nostrils and a shadow below.
    nose_u = p.feature_u(0.0, _NOSE_DEPTH)
    top_u = p.feature_u(0.0, 0.6 * _NOSE_DEPTH)
    region = canvas.region(nose_u, 0.6 * p.nose_length, 0.7 * ones)
    ys, xs = region
    nu = u[:, ys, xs]
    nv = v[:, ys, xs]
    ridge_centre = col(top_u) + (col(nose_u) - col(top_u)) * np.clip(
        nv / col(p.nose_length), 0, 1
    )
    ridge = ellipse_distance(
        nu - ridge_centre - 0.06,
        nv - col(0.55 * p.nose_length),
        0.035,
        col(0.4 * p.nose_length),
    )
    canvas.paint(region, 0.5 * coverage(ridge, ppu, 3.0), colour_planes(p.skin * 0.6))
    du = nu - col(nose_u)
    dv = nv - col(p.nose_length)
    shadow = ellipse_distance(du, dv - 0.1, col(p.nose_width * 1.3), 0.05)
    canvas.paint(region, 0.6 * coverage(shadow, ppu, 2.0), colour_planes(p.skin * 0.5))
    tip = ellipse_distance(du, dv, col(p.nose_width), col(0.65 * p.nose_width))
    canvas.paint(
        region, coverage(tip, ppu, 1.5), colour_planes(np.minimum(p.skin * 1.08, 1))
    )
    for side in (-1.0, 1.0):
        nostril = ellipse_distance(
            du - col(side * 0.55 * p.nose_width * yaw_cos),
            dv - 0.05,
            col(0.3 * p.nose_width * yaw_cos),
            0.03,
        )
        canvas.paint(region, coverage(nostril, ppu), colour_planes(p.skin * 0.3))

    # Mouth: lips bent by the smile, open or closed.
    mouth_u = p.feature_u(0.0, _MOUTH_DEPTH)
    region = canvas.region(mouth_u, p.mouth_height, p.mouth_half_width + 0.25)
    ys, xs = region
    du = (u[:, ys, xs] - col(mouth_u)) / col(yaw_cos)
    dv = v[:, ys, xs] - col(p.mouth_height) + col(p.smile) * du * du
    half_open = col(p.mouth_open / 2)
    lip_height = np.where(
        dv < 0, col(p.upper_lip) + half_open, col(p.lower_lip) + half_open
    )
    half_width = col(p.mouth_half_width)
    lips = ellipse_distance(du, dv, half_width, lip_height)
    canvas.paint(region, coverage(lips, ppu), colour_planes(p.lips))
    gap = ellipse_distance(du, dv, 0.9 * half_width, half_open + 0.012)
    inside = coverage(gap, ppu)
    canvas.paint(region, inside, colour_planes(p.lips * 0.25))
    teeth = np.minimum(inside, coverage(dv + half_open * 0.3, ppu)) * col(
        p.mouth_open > 0
    )
    canvas.paint(region, teeth, colour_planes(np.full_like(p.skin, 0.9)))
    # Shadowed corners mark where the lips meet, the landmark.
    for side in (-1.0, 1.0):
        corner = np.hypot(du - side * half_width, dv) - 0.045
        canvas.paint(
            region, 0.8 * coverage(corner, ppu, 1.5), colour_planes(p.lips * 0.35)
        )


def make_faces(
    num_images,
    size=64,
    seed=0,
    inter_ocular_range=ALIGNED_FRAMING["inter_ocular_range"],
    max_rotation=ALIGNED_FRAMING["max_rotation"],
    max_shift=ALIGNED_FRAMING["max_shift"],
    eye_height=ALIGNED_FRAMING["eye_height"],
    max_yaw=15.0,
    clutter=True,
    lighting=True,
    noise=0.02,
):
    """Draws random synthetic faces and their 5 MAFL-order landmarks.

    Each face has a random identity (head shape, skin, hair style and colour,
    iris and lip colours, proportions of eyes, brows, nose and mouth), a
    random expression (brow raise and tilt, smile, mouth open with teeth or
    closed) and a random pose: in-plane rotation about the eye midpoint, size,
    shift and yaw (features move sideways by their depth), on a cluttered
    background under a random light gradient, with pixel noise. The defaults
    give the aligned-crop framing of `ALIGNED_FRAMING`; `**LOOSE_FRAMING`
    gives the loose one.

    Landmarks, in (x, y) pixels with pixel centres at integers: left eye
    centre, right eye centre, nose tip, left mouth corner, right mouth corner,
    "left" being the image's left (MAFL order, `LANDMARK_NAMES`). They come
    from the drawing's own parameters, so they are exact. Deterministic for a
    given `(num_images, size, seed)` and options.

    Args:
        num_images: int >= 1.
        size: int >= 16, default 64. Height and width in pixels.
        seed: non-negative int, default 0. Seeds a `numpy.random.Generator`.
        inter_ocular_range: `(min, max)`, default `(0.25, 0.35)`. Distance
            between the eye landmarks as a fraction of `size` (includes the
            scale jitter).
        max_rotation: float, default 15. In-plane rotation range in degrees.
        max_shift: float, default 0.06. Shift range of the eye midpoint, as a
            fraction of `size`, in x and y.
        eye_height: float, default 0.40. Mean height of the eye midpoint as a
            fraction of `size` (it is centred horizontally).
        max_yaw: float, default 15. Out-of-plane turn range in degrees.
        clutter: bool or float in [0, 1], default True (1.0). Strength of the
            background: a colour field with random shapes, some striped. A
            fraction scales the field's variation and the shapes' opacity
            (same shapes, less contrast); False (0) gives a plain colour.
        lighting: bool, default True. Random brightness, colour cast and light
            gradient over the whole image.
        noise: float, default 0.02. Standard deviation of uniform pixel noise
            in [0, 1] units.

    Returns:
        Tuple `(images, landmarks)`: `images` uint8 `(num_images, size, size,
        3)`, `landmarks` float32 `(num_images, 5, 2)`.

    Example:

    >>> images, landmarks = make_faces(8, size=64, seed=0)
    >>> images.shape, images.dtype, landmarks.shape
    ((8, 64, 64, 3), dtype('uint8'), (8, 5, 2))
    >>> bool(np.all(landmarks[:, 0, 0] < landmarks[:, 1, 0]))
    True
    """
    num_images = check_int("num_images", num_images, 1)
    size = check_int("size", size, 16)
    seed = check_seed(seed)
    framing = dict(
        inter_ocular_range=check_range(
            "inter_ocular_range", inter_ocular_range, 0.01, 0.6
        ),
        max_rotation=check_number("max_rotation", max_rotation, 0.0, 180.0),
        max_shift=check_number("max_shift", max_shift, 0.0, 0.5),
        eye_height=check_number("eye_height", eye_height, 0.0, 1.0),
    )
    max_yaw = check_number("max_yaw", max_yaw, 0.0, 45.0)
    noise = check_number("noise", noise, 0.0, 1.0)
    if not isinstance(lighting, bool):
        raise ValueError(f"`lighting` must be a bool. Received: lighting={lighting!r}")
    if isinstance(clutter, bool):
        clutter = float(clutter)
    clutter = check_number("clutter", clutter, 0.0, 1.0)

    rng = np.random.default_rng(seed)
    params = _FaceParameters(rng, num_images, size, framing, max_yaw)
    landmarks_face = params.landmarks_face()
    images = np.empty((num_images, size, size, 3), dtype=np.uint8)
    landmarks = np.empty((num_images, 5, 2), dtype=np.float32)
    chunk = _chunk_size(size)
    for start in range(0, num_images, chunk):
        stop = min(start + chunk, num_images)
        p = params.rows(start, stop)
        rgb = np.empty((3, stop - start, size, size), dtype=np.float32)
        draw_background(rng, rgb, clutter)
        canvas = _Canvas(rgb, p.origin, p.scale, p.angle)
        _draw_faces(canvas, p)
        if lighting:
            _apply_lighting(rng, rgb)
        if noise > 0:
            rgb += rng.uniform(
                -np.sqrt(3) * noise, np.sqrt(3) * noise, rgb.shape
            ).astype(np.float32)
        images[start:stop] = to_uint8(rgb)
        for k in range(5):
            x, y = canvas.to_pixels(
                landmarks_face[start:stop, k, 0], landmarks_face[start:stop, k, 1]
            )
            landmarks[start:stop, k, 0] = x
            landmarks[start:stop, k, 1] = y
    return images, landmarks


def _apply_lighting(rng, rgb):
    """Random exposure, colour cast and a linear light gradient, in place."""
    _, batch, height, width = rgb.shape
    gain = rng.uniform(0.75, 1.2, batch)
    cast = rng.uniform(0.92, 1.08, (batch, 3))
    angle = rng.uniform(0, 2 * np.pi, batch)
    strength = rng.uniform(0.0, 0.5, batch)
    x = np.linspace(-0.5, 0.5, width, dtype=np.float32)[None, None, :]
    y = np.linspace(-0.5, 0.5, height, dtype=np.float32)[None, :, None]
    field = 1.0 + col(strength * np.cos(angle)) * x + col(strength * np.sin(angle)) * y
    rgb *= field
    rgb *= colour_planes(gain[:, None] * cast)
