import numpy as np
import pytest
from scipy.ndimage import gaussian_filter1d
from scipy.signal import savgol_filter

from keras_landmarks.inference.temporal_smoothing import GaussianSmoother
from keras_landmarks.inference.temporal_smoothing import SavitzkyGolaySmoother
from keras_landmarks.inference.temporal_smoothing import make_smoother


def _noisy_track(frames=120, keypoints=3, noise=2.0, seed=0):
    """A smooth known motion (circles) plus Gaussian jitter: (truth, noisy)."""
    t = np.arange(frames)[:, None]
    phase = np.arange(keypoints)[None, :]
    truth = np.stack(
        [50 + 20 * np.cos(t / 15 + phase), 40 + 10 * np.sin(t / 15 + phase)], -1
    )
    rng = np.random.default_rng(seed)
    noisy = truth + rng.normal(0, noise, truth.shape)
    return truth.astype("float32"), noisy.astype("float32")


def _stream(smoother, track):
    """Pushes a track frame by frame; returns (indices, smoothed) as emitted."""
    emitted = []
    smoother.reset()
    for points in track:
        emitted += smoother.push(points)
    emitted += smoother.finish()
    indices = [index for index, _ in emitted]
    return indices, np.stack([points for _, points in emitted])


@pytest.mark.parametrize("frames", [120, 9, 10, 4])
def test_streamed_savgol_equals_scipy_on_the_whole_track(frames):
    _, noisy = _noisy_track(frames)
    indices, smoothed = _stream(SavitzkyGolaySmoother(9, 2), noisy)
    assert indices == list(range(frames))
    # A track shorter than the window uses the longest odd window it holds.
    window = min(9, frames if frames % 2 else frames - 1)
    expected = savgol_filter(noisy, window, 2, axis=0, mode="interp")
    np.testing.assert_allclose(smoothed, expected, atol=1e-4)


@pytest.mark.parametrize("frames", [120, 5])
def test_streamed_gaussian_equals_scipy_on_the_whole_track(frames):
    _, noisy = _noisy_track(frames)
    smoother = GaussianSmoother(sigma=1.5)
    assert smoother.radius == 6  # SciPy's int(4 * 1.5 + 0.5)
    indices, smoothed = _stream(smoother, noisy)
    assert indices == list(range(frames))
    expected = gaussian_filter1d(noisy, 1.5, axis=0, mode="nearest")
    np.testing.assert_allclose(smoothed, expected, atol=1e-4)


@pytest.mark.parametrize("method", ["savgol", "gaussian"])
def test_smoothing_reduces_the_jitter_of_a_known_noisy_track(method):
    truth, noisy = _noisy_track(noise=2.0)
    _, smoothed = _stream(make_smoother(method), noisy)

    def jitter(track):  # mean frame-to-frame change of the velocity
        return np.abs(np.diff(track, n=2, axis=0)).mean()

    def error(track):
        return np.sqrt(((track - truth) ** 2).mean())

    assert jitter(smoothed) < 0.3 * jitter(noisy)
    assert error(smoothed) < 0.6 * error(noisy)


def test_a_frame_is_final_once_its_window_is_complete():
    smoother = SavitzkyGolaySmoother(5, 1)  # radius 2
    track = np.arange(8, dtype="float32")[:, None, None] * np.ones((1, 1, 2))
    returned = [[i for i, _ in smoother.push(p)] for p in track]
    # Frames 0-2 when frame 4 arrives, then frame t - 2 with frame t.
    assert returned == [[], [], [], [], [0, 1, 2], [3], [4], [5]]
    assert [i for i, _ in smoother.finish()] == [6, 7]
    # A straight line is kept exactly by a degree-1 fit.
    np.testing.assert_allclose(smoother.smooth(track), track, atol=1e-5)


def test_a_track_too_short_for_the_polynomial_is_left_as_it_is():
    track = np.array([[[1.0, 2.0]], [[5.0, 1.0]]], "float32")
    np.testing.assert_array_equal(SavitzkyGolaySmoother(9, 2).smooth(track), track)


@pytest.mark.parametrize(
    "method, parameters, message",
    [
        ("savgol", {"window_length": 8}, "window_length=8"),
        ("savgol", {"window_length": 5, "polyorder": 5}, "polyorder=5"),
        ("gaussian", {"sigma": 0.0}, "sigma=0.0"),
        ("gaussian", {"window_length": 5}, "does not take"),
        ("median", {}, "Unknown smoothing method 'median'"),
    ],
)
def test_bad_parameters_are_named(method, parameters, message):
    with pytest.raises(ValueError, match=message):
        make_smoother(method, **parameters)


def test_describe_states_the_method_and_its_parameters():
    assert (
        SavitzkyGolaySmoother()
        .describe()
        .startswith("savgol(window_length=9, polyorder=2)")
    )
    assert GaussianSmoother(3).describe().startswith("gaussian(sigma=3, truncate=4)")
