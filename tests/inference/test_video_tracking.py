import gc
import weakref

import numpy as np
import pytest
from PIL import Image

from keras_landmarks.data.files.video_files import VideoFrameStream
from keras_landmarks.data.files.video_files import probe_video
from keras_landmarks.inference.model_input import to_frame_pixels
from keras_landmarks.inference.temporal_smoothing import SavitzkyGolaySmoother
from keras_landmarks.inference.track_records import read_track
from keras_landmarks.inference.video_tracking import batches
from keras_landmarks.inference.video_tracking import track_video
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_video
from tests.helpers import tiny_model

HEIGHT, WIDTH, STEP = 24, 32, 4


class BrightnessDetector:
    """Keypoints that encode the frame's brightness (value = STEP * t): keypoint
    0 at x = t / 2, keypoint 1 at y = t / 4 on a 16 x 16 grid. Optionally
    raises at its `fail_at`-th call, as a crash mid-video would."""

    image_size = (16, 16)
    num_keypoints = 2

    def __init__(self, fail_at=None):
        self.calls, self.fail_at = 0, fail_at

    def predict_keypoints(self, images):
        self.calls += 1
        if self.calls == self.fail_at:
            raise RuntimeError("injected crash")
        t = np.asarray(images).mean(axis=(1, 2, 3)) / STEP
        return np.stack(
            [
                np.stack([t / 2, np.full_like(t, 3)], -1),
                np.stack([np.full_like(t, 7), t / 4], -1),
            ],
            1,
        ).astype("float32")


def expected_points(t):
    model = BrightnessDetector().predict_keypoints(np.full((1, 16, 16, 3), STEP * t))
    return to_frame_pixels(model[0], (16, 16), (HEIGHT, WIDTH))


class CountingFrames:
    """A frame generator that records, at each frame it makes, how many of the
    frames it made before are still held by someone."""

    def __init__(self, num_frames):
        self.num_frames, self.held = num_frames, []

    def __iter__(self):
        alive = []
        for t in range(self.num_frames):
            # The young generations only: a full collection per frame costs
            # about a second once a backend's graphs fill the heap. A frame kept
            # by an older cycle counts as held, which only makes this stricter.
            gc.collect(1)
            self.held.append(sum(ref() is not None for ref in alive))
            frame = np.full((HEIGHT, WIDTH, 3), STEP * t, np.uint8)
            alive.append(weakref.ref(frame))
            yield frame
            del frame


@pytest.mark.parametrize(
    "overlay, smoother", [(False, None), (True, SavitzkyGolaySmoother(5, 2))]
)
def test_frames_are_held_a_batch_at_a_time_whatever_the_length(
    tmp_path, overlay, smoother
):
    frames = CountingFrames(60)
    radius = 0 if smoother is None else smoother.radius
    tracked = track_video(
        BrightnessDetector(),
        frames,
        tmp_path / "track.csv",
        overlay_path=tmp_path / "overlay.mp4" if overlay else None,
        smoother=smoother,
        batch_size=4,
    )
    assert tracked.num_frames == 60
    # While the next batch decodes: the frames of that batch decoded so far,
    # plus (for the overlay) those waiting for their smoothing window: radius
    # frames, 2 * radius at the start. Never the video: the bound does not
    # grow with its length.
    waiting = radius if overlay else 0
    assert max(frames.held) <= 4 - 1 + 2 * waiting
    assert max(frames.held[-20:]) == 4 - 1 + waiting


def test_a_row_per_frame_and_keypoint_paired_with_its_frame(tmp_path):
    smoother = SavitzkyGolaySmoother(5, 1)
    frames = (np.full((HEIGHT, WIDTH, 3), STEP * t, np.uint8) for t in range(23))
    tracked = track_video(
        BrightnessDetector(),
        frames,
        tmp_path / "track.jsonl",
        overlay_path=tmp_path / "overlay.mp4",
        smoother=smoother,
        fps=10,
        batch_size=4,
    )
    track = read_track(tracked.records)
    np.testing.assert_array_equal(track["frames"], np.arange(23))
    expected = np.stack([expected_points(t) for t in range(23)])
    np.testing.assert_allclose(track["keypoints"], expected, atol=0.01)  # 2 decimals
    # The points move on straight lines: a degree-1 fit keeps them.
    np.testing.assert_allclose(track["smoothed"], expected, atol=0.01)

    # The overlay: one frame per input frame, each drawn on its own frame
    # although smoothing writes it 2 frames late.
    assert probe_video(tracked.overlay)[0] == 23
    with VideoFrameStream(tracked.overlay) as stream:
        assert stream.fps == 10 and (stream.height, stream.width) == (HEIGHT, WIDTH)
        corners = [frame[-1, -1].astype(int) for frame in stream]
    np.testing.assert_allclose(
        [c.mean() for c in corners], STEP * np.arange(23), atol=3
    )


def test_an_error_mid_video_leaves_the_frames_before_it(tmp_path):
    frames = (np.full((HEIGHT, WIDTH, 3), STEP * t, np.uint8) for t in range(40))
    with pytest.raises(RuntimeError, match="injected crash"):
        track_video(
            BrightnessDetector(fail_at=3),  # the third batch of 4 frames
            frames,
            tmp_path / "track.csv",
            overlay_path=tmp_path / "overlay.mp4",
            picture_path=tmp_path / "tracks.png",
            smoother=SavitzkyGolaySmoother(5, 2),
            batch_size=4,
        )
    # Every frame of the two batches before it, including those that were
    # waiting for their smoothing window; a valid file and a playable video.
    track = read_track(tmp_path / "track.csv")
    np.testing.assert_array_equal(track["frames"], np.arange(8))
    np.testing.assert_allclose(
        track["keypoints"], np.stack([expected_points(t) for t in range(8)]), atol=0.01
    )
    assert np.isfinite(track["smoothed"]).all()
    assert probe_video(tmp_path / "overlay.mp4")[0] == 8
    assert not (tmp_path / "tracks.png").exists()


def test_a_model_tracks_a_video_file_into_records_overlay_and_picture(tmp_path):
    path = write_video(tmp_path / "clip.mp4", counter_frames(11, HEIGHT, WIDTH), fps=12)
    model = tiny_model()
    with VideoFrameStream(path) as stream:
        tracked = track_video(
            model,
            stream,
            tmp_path / "out" / "clip.csv",
            overlay_path=tmp_path / "out" / "clip.mp4",
            picture_path=tmp_path / "out" / "clip.png",
            smoother=SavitzkyGolaySmoother(5, 2),
            fps=stream.fps,
            batch_size=4,
        )
    track = read_track(tracked.records)
    assert track["keypoints"].shape == (11, model.num_keypoints, 2)
    assert np.isfinite(track["keypoints"]).all()
    # Keypoints in the frames' own pixels.
    assert (track["keypoints"] >= 0).all() and (
        track["keypoints"][..., 0] <= WIDTH - 1
    ).all()
    assert probe_video(tracked.overlay)[0] == 11
    picture = np.asarray(Image.open(tracked.picture))
    assert picture.shape == (420, 1200, 3)


def test_nothing_is_written_for_no_frames(tmp_path):
    tracked = track_video(
        BrightnessDetector(), [], tmp_path / "t.csv", tmp_path / "o.mp4"
    )
    assert tracked.num_frames == 0 and not list(tmp_path.iterdir())


def test_batches_pull_a_batch_at_a_time():
    pulled = []

    def numbers():
        for i in range(7):
            pulled.append(i)
            yield i

    stream = batches(numbers(), 3)
    assert next(stream) == [0, 1, 2] and pulled == [0, 1, 2]
    assert list(stream) == [[3, 4, 5], [6]]
    with pytest.raises(ValueError, match="Received: 0"):
        next(batches([], 0))
