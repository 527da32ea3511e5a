"""Temporal smoothing of keypoint tracks, frame by frame, with SciPy's filters.

A detector run frame by frame jitters: each frame's keypoints are estimated
alone. A filter along time removes that jitter. Both filters here are SciPy's
(`scipy.signal.savgol_filter`, `scipy.ndimage.gaussian_filter1d`), applied to
each coordinate of each keypoint along the frame axis.

Streaming: a video is tracked a batch of frames at a time, so the whole track
is never in memory. Both filters are windowed: the smoothed keypoints of frame
t depend only on frames `t - radius .. t + radius`. `push` therefore keeps the
last `2 * radius + 1` frames' keypoints and returns frame t's smoothed value
once frame `t + radius` has arrived (a delay of `radius` frames); `finish`
returns the last `radius` frames with the filter's rule at the end of the
track. The result equals the filter run on the whole track at once
(`smooth(track)`); tests/inference/test_temporal_smoothing.py checks it.

A keypoint that is not finite in one frame makes its smoothed value not
finite in the frames whose window holds it.
"""

import collections

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import savgol_filter

SAVGOL_WINDOW_LENGTH = 9  # frames (0.3 s at 30 fps); our choice
SAVGOL_POLYORDER = 2  # quadratic: follows a turning object, removes jitter
GAUSSIAN_SIGMA = 2.0  # frames; our choice
GAUSSIAN_TRUNCATE = 4.0  # SciPy's default: the kernel reaches 4 sigma


class TemporalSmoother:
    """Base class: a windowed filter along time, applied in a stream.

    Subclasses set `radius` (frames on each side of the window) and implement
    `smooth(track)`, the filter on a whole `(T, K, 2)` track.

    Call `reset()` before each new track, then `push(keypoints)` per frame and
    `finish()` at the end; both return `[(frame_index, smoothed (K, 2)), ...]`
    in frame order, every frame exactly once over the track.
    """

    radius = 0

    def __init__(self):
        self.reset()

    def smooth(self, track):
        """The filter on a whole track: `(T, K, 2)` -> `(T, K, 2)` float32."""
        raise NotImplementedError

    def describe(self):
        """The method and its parameters, for records and the README."""
        raise NotImplementedError

    def reset(self):
        """Forgets the current track."""
        self._window = collections.deque(maxlen=2 * self.radius + 1)
        self._count = 0

    def push(self, keypoints):
        """Adds frame `count`'s `(K, 2)` keypoints; returns what is now final."""
        self._window.append(np.asarray(keypoints, "float32"))
        self._count += 1
        size = 2 * self.radius + 1
        if self._count < size:
            return []
        smoothed = self.smooth(np.stack(self._window))
        if self._count == size:  # the track's first frames, at its start edge
            return [(t, smoothed[t]) for t in range(self.radius + 1)]
        return [(self._count - 1 - self.radius, smoothed[self.radius])]

    def finish(self):
        """The frames still waiting for their window, with the end-edge rule."""
        if self._count == 0:
            return []
        smoothed = self.smooth(np.stack(self._window))
        first = self._count - len(self._window)
        if self._count < 2 * self.radius + 1:  # short track: nothing returned yet
            pending = range(len(self._window))
        else:
            pending = range(self.radius + 1, len(self._window))
        result = [(first + i, smoothed[i]) for i in pending]
        self.reset()
        return result


class SavitzkyGolaySmoother(TemporalSmoother):
    """`scipy.signal.savgol_filter` along time (`mode="interp"`).

    Each frame's keypoints become the value at that frame of a polynomial of
    degree `polyorder` fitted by least squares to the `window_length` frames
    centred on it; at the ends of the track the polynomial fitted to the
    first (last) `window_length` frames gives their values. A track shorter
    than the window uses the longest odd window it holds (no smoothing when
    that is not longer than `polyorder`).

    Args:
        window_length: odd int >= 3, default `SAVGOL_WINDOW_LENGTH` (9).
        polyorder: int in `[0, window_length)`, default `SAVGOL_POLYORDER` (2).
    """

    def __init__(self, window_length=SAVGOL_WINDOW_LENGTH, polyorder=SAVGOL_POLYORDER):
        if (
            not isinstance(window_length, (int, np.integer))
            or window_length < 3
            or window_length % 2 == 0
        ):
            raise ValueError(
                "`window_length` must be an odd int >= 3. "
                f"Received: window_length={window_length!r}"
            )
        if not isinstance(polyorder, (int, np.integer)) or not (
            0 <= polyorder < window_length
        ):
            raise ValueError(
                f"`polyorder` must be an int in [0, window_length={window_length}). "
                f"Received: polyorder={polyorder!r}"
            )
        self.window_length = int(window_length)
        self.polyorder = int(polyorder)
        self.radius = self.window_length // 2
        super().__init__()

    def smooth(self, track):
        track = np.asarray(track, "float32")
        window = min(self.window_length, len(track) - (1 - len(track) % 2))
        if window <= self.polyorder:
            return track.copy()
        return savgol_filter(
            track, window, self.polyorder, axis=0, mode="interp"
        ).astype("float32")

    def describe(self):
        return (
            f"savgol(window_length={self.window_length}, polyorder={self.polyorder}):"
            " scipy.signal.savgol_filter along frames, mode='interp'"
        )


class GaussianSmoother(TemporalSmoother):
    """`scipy.ndimage.gaussian_filter1d` along time (`mode="nearest"`).

    Each frame's keypoints become the Gaussian-weighted mean of the frames
    within `truncate * sigma` of it (radius `round(truncate * sigma)`); past
    the ends of the track the first (last) frame is repeated.

    Args:
        sigma: float > 0, in frames, default `GAUSSIAN_SIGMA` (2.0).
        truncate: float > 0, default `GAUSSIAN_TRUNCATE` (4.0, SciPy's).
    """

    def __init__(self, sigma=GAUSSIAN_SIGMA, truncate=GAUSSIAN_TRUNCATE):
        if not np.isfinite(sigma) or sigma <= 0:
            raise ValueError(f"`sigma` must be > 0. Received: sigma={sigma!r}")
        if not np.isfinite(truncate) or truncate <= 0:
            raise ValueError(f"`truncate` must be > 0. Received: truncate={truncate!r}")
        self.sigma = float(sigma)
        self.truncate = float(truncate)
        # SciPy's kernel radius for these arguments.
        self.radius = int(self.truncate * self.sigma + 0.5)
        super().__init__()

    def smooth(self, track):
        return gaussian_filter1d(
            np.asarray(track, "float32"),
            self.sigma,
            axis=0,
            mode="nearest",
            truncate=self.truncate,
        ).astype("float32")

    def describe(self):
        return (
            f"gaussian(sigma={self.sigma:g}, truncate={self.truncate:g}): "
            "scipy.ndimage.gaussian_filter1d along frames, mode='nearest'"
        )


SMOOTHERS = {"savgol": SavitzkyGolaySmoother, "gaussian": GaussianSmoother}


def make_smoother(method, **parameters):
    """A smoother by name (`"savgol"` or `"gaussian"`) with its parameters.

    Raises:
        ValueError: an unknown method, or a parameter it does not take.
    """
    if method not in SMOOTHERS:
        raise ValueError(
            f"Unknown smoothing method {method!r}; choose one of {sorted(SMOOTHERS)}"
        )
    try:
        return SMOOTHERS[method](**parameters)
    except TypeError:
        raise ValueError(
            f"Smoothing {method!r} does not take {sorted(parameters)}"
        ) from None
