"""Label-free quality measures of a keypoint detector, for data without annotations.

Three numbers that need no landmark annotations:

- `equivariance_error`: keypoints should move with the image. Warp each image
  with a random thin-plate spline (the paper's target warp by default), detect
  in both, map the keypoints of the warped image back through the warp and
  compare.
- `geometry_follow_error`: a conditional generator should draw the geometry of
  its target. Detect keypoints in the reconstruction made from the appearance
  of one image and the geometry of another, and compare them with the
  keypoints of that other image (`swap_pairs` builds the pairs).
- `temporal_jitter`: keypoints tracked over a video should move smoothly. The
  mean second difference of the tracks relative to their mean motion.

They take callables, so they score a `LandmarkModel` (`model_detect`,
`model_reconstruct`) and hand-made detectors alike. A detector `detect` maps
float32 `(N, H, W, 3)` RGB images in [0, 255] to numpy `(N, K, 2)` pixel (x, y)
keypoints with pixel centres at integer coordinates (0 and size - 1 are the
first and last pixel centres), the convention of
`LandmarkModel.predict_keypoints`. Errors are in % of the image size: pixel
offsets divided by `(width - 1, height - 1)` per axis, times 100.
"""

import dataclasses

import keras
import numpy as np

from keras_landmarks.data.ops.bilinear_sampler import bilinear_sample
from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.thin_plate_spline import TARGET_WARP
from keras_landmarks.data.ops.thin_plate_spline import TpsWarpStrength
from keras_landmarks.data.ops.thin_plate_spline import sample_tps_parameters
from keras_landmarks.data.ops.thin_plate_spline import tps_design_matrix
from keras_landmarks.data.ops.thin_plate_spline import tps_grid
from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_same_length
from keras_landmarks.evaluation._validation import check_same_shape
from keras_landmarks.integers import is_integer


@dataclasses.dataclass(frozen=True)
class LabelFreeScore:
    """A label-free error, overall and broken down by keypoint and by image.

    All three views are means of the same per-(image, keypoint) errors, so
    `mean == per_keypoint.mean() == per_image.mean()` (up to rounding).

    Attributes:
        mean: float, the error over all images and keypoints.
        per_keypoint: `(K,)` float64 array, the error of each keypoint.
        per_image: float64 array, the error of each image: `(N,)` for
            `equivariance_error` and `geometry_follow_error`; `(T - 2,)` for
            `temporal_jitter`, one entry per frame triple `(t - 1, t, t + 1)`,
            `t = 1 ... T - 2`.
    """

    mean: float
    per_keypoint: np.ndarray
    per_image: np.ndarray


def _score(errors):
    """`LabelFreeScore` of `(N, K)` errors."""
    return LabelFreeScore(
        mean=float(errors.mean()),
        per_keypoint=errors.mean(axis=0),
        per_image=errors.mean(axis=1),
    )


def _as_images(value, name):
    """Returns `value` as a finite float32 `(N, H, W, 3)` array, N >= 1, H, W >= 2."""
    images = np.asarray(value, dtype=np.float32)
    if (
        images.ndim != 4
        or images.shape[-1] != 3
        or images.shape[0] < 1
        or min(images.shape[1:3]) < 2
    ):
        raise ValueError(
            f"`{name}` must have shape (num_images, height, width, 3) with "
            f"num_images >= 1 and height, width >= 2. "
            f"Received: {name}.shape={images.shape}"
        )
    if not np.all(np.isfinite(images)):
        raise ValueError(f"`{name}` must be finite. Received NaN or inf in `{name}`.")
    return images


def _check_callable(value, name):
    if not callable(value):
        raise ValueError(f"`{name}` must be callable. Received: {name}={value!r}")


def _detect(detect, images, name, num_points=None):
    """Runs `detect` and checks it returned one finite `(K, 2)` array per image."""
    keypoints = as_points(detect(images), name, num_points)
    if keypoints.shape[0] != images.shape[0]:
        raise ValueError(
            f"`detect` must return one set of keypoints per image. Received: "
            f"{keypoints.shape[0]} for {images.shape[0]} images "
            f"({name}.shape={keypoints.shape})"
        )
    return keypoints


def _percent_of_size(offsets, height, width):
    """`(..., 2)` pixel offsets -> `(...)` distances in % of the image size."""
    scale = np.array([width - 1, height - 1], dtype=np.float64)
    return 100.0 * np.linalg.norm(offsets / scale, axis=-1)


def interpolate_grid(grid, points):
    """Evaluates sampling grids at sub-pixel points by bilinear interpolation.

    `grid[n, j, i]` is the value at pixel centre `(x, y) = (i, j)`. Points
    outside the pixel centres are extrapolated linearly from the border cell,
    which for a smooth warp is better than clamping.

    Args:
        grid: `(N, H, W, C)` array, e.g. `tps_grid` output (C = 2, (x, y) in
            [-1, 1]); H and W at least 2.
        points: `(N, K, 2)` pixel (x, y) points, one set per grid.

    Returns:
        float64 `(N, K, C)` array.

    Example:

    >>> grid = np.arange(4.0).reshape(1, 2, 2, 1)  # value = x + 2 y
    >>> interpolate_grid(grid, np.array([[[0.5, 0.5]]]))
    array([[[1.5]]])
    """
    grid = np.asarray(grid, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64)
    if grid.ndim != 4 or min(grid.shape[1:3]) < 2:
        raise ValueError(
            "`grid` must have shape (N, H, W, C) with H, W >= 2. "
            f"Received: grid.shape={grid.shape}"
        )
    if points.ndim != 3 or points.shape[-1] != 2 or points.shape[0] != grid.shape[0]:
        raise ValueError(
            f"`points` must have shape ({grid.shape[0]}, K, 2), one set per grid. "
            f"Received: points.shape={points.shape}"
        )
    height, width = grid.shape[1:3]
    x, y = points[..., 0], points[..., 1]
    # The cell is clamped but the weights are not: outside points extrapolate.
    x0 = np.clip(np.floor(x), 0, width - 2).astype(np.int64)
    y0 = np.clip(np.floor(y), 0, height - 2).astype(np.int64)
    wx, wy = (x - x0)[..., None], (y - y0)[..., None]
    rows = np.arange(grid.shape[0])[:, None]
    return (
        grid[rows, y0, x0] * (1.0 - wx) * (1.0 - wy)
        + grid[rows, y0, x0 + 1] * wx * (1.0 - wy)
        + grid[rows, y0 + 1, x0] * (1.0 - wx) * wy
        + grid[rows, y0 + 1, x0 + 1] * wx * wy
    )


def random_tps_grids(num_images, height, width, seed=0, strength=TARGET_WARP):
    """The random warps of `equivariance_error`: one sampling grid per image.

    Image `i` gets the warp of the stateless seed `element_seed(seed, i)`, as in
    `tps_pairs`, so the warps depend only on `seed` and the image's position.

    Args:
        num_images: int >= 1.
        height: int >= 2, rows of each grid.
        width: int >= 2, columns of each grid.
        seed: non-negative int, default 0.
        strength: `TpsWarpStrength`, default `TARGET_WARP` (the reference's
            mild target warp).

    Returns:
        float32 numpy `(num_images, height, width, 2)`: `grid[n, j, i]` is the
        (x, y) point in [-1, 1] (align_corners=True) that output pixel `(j, i)`
        of the warped image `n` samples.

    Example:

    >>> random_tps_grids(2, 32, 32).shape
    (2, 32, 32, 2)
    """
    check_seed(seed)
    if not is_integer(num_images) or num_images < 1:
        raise ValueError(
            f"`num_images` must be an int >= 1. Received: num_images={num_images!r}"
        )
    if not isinstance(strength, TpsWarpStrength):
        raise ValueError(
            f"`strength` must be a TpsWarpStrength. Received: strength={strength!r}"
        )
    design_matrix = tps_design_matrix(height, width)
    grids = [
        tps_grid(
            sample_tps_parameters(element_seed(seed, index), strength),
            height,
            width,
            design_matrix,
        )
        for index in range(num_images)
    ]
    return np.stack([np.asarray(grid, dtype=np.float32) for grid in grids])


def equivariance_error(detect, images, seed=0, strength=TARGET_WARP):
    """How far keypoints stray from the image when the image is warped, in %.

    Each image `n` is warped by a random thin-plate spline `g_n`
    (`random_tps_grids`; `bilinear_sample`, zero outside the image). A keypoint
    `p` found in the warped image shows the original point `g_n(p)`, the grid
    interpolated bilinearly at `p`. The error of keypoint `k` on image `n` is
    `|g_n(p_nk) - q_nk|` with `q = detect(images)`, measured in [0, 1]
    coordinates per axis (pixel offsets divided by `(width - 1, height - 1)`)
    and given in % of the image size. A detector whose keypoints follow the
    image (equivariant, as the paper's are meant to be) scores 0; one that
    ignores the image scores the mean displacement of the warp.

    Args:
        detect: callable, float32 `(N, H, W, 3)` RGB in [0, 255] -> `(N, K, 2)`
            pixel (x, y) keypoints, e.g. `model_detect(model)`.
        images: `(N, H, W, 3)` RGB images in [0, 255].
        seed: non-negative int, default 0. The same seed gives the same warps.
        strength: `TpsWarpStrength`, default `TARGET_WARP` (translation std
            0.1 in [-1, 1] units, i.e. about 5 % of the image size).

    Returns:
        `LabelFreeScore` in %: `per_keypoint` `(K,)`, `per_image` `(N,)`.

    Example:

    >>> score = equivariance_error(model_detect(model), images)
    >>> score.mean, score.per_keypoint
    """
    _check_callable(detect, "detect")
    images = _as_images(images, "images")
    num_images, height, width, _ = images.shape
    grids = random_tps_grids(num_images, height, width, seed, strength)
    warped = np.asarray(bilinear_sample(images, grids), dtype=np.float32)
    original_keypoints = _detect(detect, images, "detect(images)")
    warped_keypoints = _detect(
        detect, warped, "detect(warped)", original_keypoints.shape[1]
    )
    mapped = interpolate_grid(grids, warped_keypoints)  # (x, y) in [-1, 1]
    mapped_pixels = (mapped + 1.0) / 2.0 * np.array([width - 1, height - 1])
    errors = _percent_of_size(mapped_pixels - original_keypoints, height, width)
    return _score(errors)


def swap_pairs(images, shift=1):
    """Pairs each image's appearance with another image's geometry.

    Args:
        images: `(N, H, W, 3)` RGB images in [0, 255], N >= 2.
        shift: int, default 1. Image `n` gets the geometry of image
            `n - shift` (mod N), i.e. `np.roll(images, shift, axis=0)`; must
            not be a multiple of N (that pairs each image with itself).

    Returns:
        Tuple `(sources, targets)` of float32 `(N, H, W, 3)` arrays, ready for
        `geometry_follow_error(detect, reconstruct, *swap_pairs(images))`.

    Example:

    >>> sources, targets = swap_pairs(np.zeros((4, 32, 32, 3)))
    """
    images = _as_images(images, "images")
    if not is_integer(shift):
        raise ValueError(f"`shift` must be an int. Received: shift={shift!r}")
    if shift % images.shape[0] == 0:
        raise ValueError(
            f"`shift` must not be a multiple of the number of images "
            f"({images.shape[0]}): every image would keep its own geometry. "
            f"Received: shift={shift}"
        )
    return images, np.roll(images, shift, axis=0)


def geometry_follow_error(detect, reconstruct, sources, targets):
    """How far the generated image's keypoints are from the target's, in %.

    The conditional generator should draw the appearance of `sources[n]` in
    the geometry of `targets[n]`. The error of keypoint `k` on pair `n` is
    `|detect(reconstruction)[n, k] - detect(targets)[n, k]|`, in % of the image
    size (as in `equivariance_error`). A generator that copies the target
    scores 0; one that ignores the geometry and copies the source scores the
    distance between source and target keypoints.

    Args:
        detect: callable, float32 `(N, H, W, 3)` RGB in [0, 255] -> `(N, K, 2)`
            pixel (x, y) keypoints, e.g. `model_detect(model)`.
        reconstruct: callable `(sources, targets) -> (N, H, W, 3)` images from
            the appearance of `sources` and the geometry of `targets`, e.g.
            `model_reconstruct(model)`.
        sources: `(N, H, W, 3)` RGB images in [0, 255] (appearance).
        targets: `(N, H, W, 3)` RGB images in [0, 255] (geometry).

    Returns:
        `LabelFreeScore` in %: `per_keypoint` `(K,)`, `per_image` `(N,)`.

    Example:

    >>> sources, targets = swap_pairs(images)
    >>> geometry_follow_error(
    ...     model_detect(model), model_reconstruct(model), sources, targets
    ... ).mean
    """
    _check_callable(detect, "detect")
    _check_callable(reconstruct, "reconstruct")
    sources = _as_images(sources, "sources")
    targets = _as_images(targets, "targets")
    check_same_shape(sources, "sources", targets, "targets")
    reconstructions = _as_images(
        reconstruct(sources, targets), "reconstruct(sources, targets)"
    )
    check_same_shape(
        reconstructions, "reconstruct(sources, targets)", targets, "targets"
    )
    target_keypoints = _detect(detect, targets, "detect(targets)")
    generated_keypoints = _detect(
        detect,
        reconstructions,
        "detect(reconstructions)",
        target_keypoints.shape[1],
    )
    height, width = targets.shape[1:3]
    errors = _percent_of_size(generated_keypoints - target_keypoints, height, width)
    return _score(errors)


def temporal_jitter(tracks):
    """Jitter of keypoint tracks relative to their motion (unitless).

    `mean_{t,k} |x[t+1] - 2 x[t] + x[t-1]|` divided by
    `mean_{t,k} |x[t+1] - x[t]|`: the mean acceleration over the mean speed.
    Smooth motion at constant velocity scores 0; a static point with white
    noise scores sqrt(3) (the second difference of white noise has sqrt(3)
    times the spread of the first difference). All views share the one
    denominator, the mean motion over all frames and keypoints, so a keypoint
    that stays still does not divide by zero.

    Args:
        tracks: `(T, K, 2)` keypoints in consecutive frames (pixels or any
            unit: the ratio does not depend on it), T >= 3.

    Returns:
        `LabelFreeScore`: `per_keypoint` `(K,)`; `per_image` `(T - 2,)`, one
        entry per frame triple `(t - 1, t, t + 1)`, `t = 1 ... T - 2`.

    Raises:
        ValueError: if nothing moves (every `x[t+1] == x[t]`): the ratio is
            0 / 0 and has no meaning.

    Example:

    >>> tracks = np.arange(10.0)[:, None, None] * np.ones((1, 3, 2))
    >>> temporal_jitter(tracks).mean  # constant velocity
    0.0
    """
    tracks = np.asarray(tracks, dtype=np.float64)
    if tracks.ndim != 3 or tracks.shape[-1] != 2 or tracks.shape[1] < 1:
        raise ValueError(
            "`tracks` must have shape (num_frames, num_keypoints, 2). "
            f"Received: tracks.shape={tracks.shape}"
        )
    if tracks.shape[0] < 3:
        raise ValueError(
            "`tracks` must span at least 3 frames (a second difference needs "
            f"three). Received: T={tracks.shape[0]} (tracks.shape={tracks.shape})"
        )
    if not np.all(np.isfinite(tracks)):
        raise ValueError("`tracks` must be finite. Received NaN or inf in `tracks`.")
    motion = np.linalg.norm(np.diff(tracks, axis=0), axis=-1).mean()
    if motion == 0.0:
        raise ValueError(
            "The keypoints never move, so jitter relative to motion is "
            "undefined (0 / 0). Received: mean |x[t+1] - x[t]| = 0.0"
        )
    acceleration = np.linalg.norm(np.diff(tracks, n=2, axis=0), axis=-1)
    return _score(acceleration / motion)


def model_detect(model, batch_size=32):
    """The `detect` callable of a `LandmarkModel`: `model.predict_keypoints`.

    Args:
        model: a `LandmarkModel` (or anything with its `predict_keypoints`).
        batch_size: int, default 32.

    Returns:
        Callable, float32 `(N, H, W, 3)` RGB in [0, 255] -> numpy float32
        `(N, K, 2)` pixel (x, y), inference mode.

    Example:

    >>> detect = model_detect(model)
    >>> detect(images).shape  # (N, K, 2)
    """
    _check_model(model, "predict_keypoints")
    _check_batch_size(batch_size)

    def detect(images):
        return model.predict_keypoints(images, batch_size=batch_size)

    return detect


def model_reconstruct(model, batch_size=32):
    """The `reconstruct` callable of a `LandmarkModel`, batched, inference mode.

    Args:
        model: a `LandmarkModel`: called as `model({"source": s, "target": t},
            training=False)`, whose "reconstruction" output is used.
        batch_size: int, default 32.

    Returns:
        Callable `(sources, targets) -> ` numpy float32 `(N, H, W, 3)`
        reconstructions, one per pair.

    Example:

    >>> reconstruct = model_reconstruct(model)
    >>> reconstruct(sources, targets).shape  # (N, H, W, 3)
    """
    _check_model(model, "__call__")
    _check_batch_size(batch_size)

    def reconstruct(sources, targets):
        sources = _as_images(sources, "sources")
        targets = _as_images(targets, "targets")
        check_same_length(sources, "sources", targets, "targets")
        outputs = []
        for start in range(0, len(sources), batch_size):
            batch = {
                "source": sources[start : start + batch_size],
                "target": targets[start : start + batch_size],
            }
            reconstruction = model(batch, training=False)["reconstruction"]
            outputs.append(
                np.asarray(keras.ops.convert_to_numpy(reconstruction), np.float32)
            )
        return np.concatenate(outputs)

    return reconstruct


def _check_model(model, method):
    if not callable(getattr(model, method, None)):
        raise ValueError(
            f"`model` must be a LandmarkModel (it needs `{method}`). "
            f"Received: model={model!r}"
        )


def _check_batch_size(batch_size):
    if not is_integer(batch_size) or batch_size < 1:
        raise ValueError(
            f"`batch_size` must be an int >= 1. Received: batch_size={batch_size!r}"
        )
