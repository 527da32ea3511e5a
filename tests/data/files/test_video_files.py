import numpy as np
import pytest

from keras_landmarks.data.files.video_files import NoFramesError
from keras_landmarks.data.files.video_files import VideoFrameStream
from keras_landmarks.data.files.video_files import list_video_files
from keras_landmarks.data.files.video_files import probe_video
from keras_landmarks.data.files.video_files import read_video_frames
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_cut_video


def test_probe(counter_video):
    assert probe_video(counter_video) == (100, 24, 32)


def test_read_frames_in_any_order_with_seeking(counter_video):
    frames = read_video_frames(counter_video, [90, 3, 75])
    assert frames.shape == (3, 24, 32, 3) and frames.dtype == np.uint8
    np.testing.assert_allclose(frames[:, 5, 5, 0], [180, 6, 150], atol=2)


def test_read_past_the_end_raises(counter_video):
    with pytest.raises(ValueError, match="not found"):
        read_video_frames(counter_video, [150])


def test_list_video_files_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        list_video_files(tmp_path / "nope")
    with pytest.raises(ValueError, match="found none"):
        list_video_files(tmp_path)


def test_frame_stream_decodes_one_frame_at_a_time(counter_video):
    with VideoFrameStream(counter_video) as stream:
        assert (stream.height, stream.width, stream.promised) == (24, 32, 100)
        frames = iter(stream)
        first = next(frames)
        assert first.shape == (24, 32, 3) and first.dtype == np.uint8
        assert stream.num_frames == 1  # decoded on demand, not ahead
        values = [first[5, 5, 0]] + [frame[5, 5, 0] for frame in frames]
    np.testing.assert_allclose(values, 2 * np.arange(100), atol=2)
    assert stream.note is None


def test_frame_stream_stops_at_max_frames(counter_video):
    with VideoFrameStream(counter_video, max_frames=7) as stream:
        assert len(list(stream)) == 7
    with pytest.raises(ValueError, match="max_frames=0"):
        VideoFrameStream(counter_video, max_frames=0)


def test_frame_stream_of_a_cut_file_yields_what_decodes(tmp_path):
    frames = counter_frames(40)
    with VideoFrameStream(write_cut_video(tmp_path / "half.mp4", frames, 0.5)) as s:
        decoded = list(s)
    assert 0 < len(decoded) < 40 and f"using the {len(decoded)} frames" in s.note
    with VideoFrameStream(write_cut_video(tmp_path / "none.mp4", frames)) as s:
        with pytest.raises(NoFramesError, match="no frame decodes"):
            list(s)
