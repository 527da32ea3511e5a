import numpy as np
import pytest

from keras_landmarks.data.files.video_files import VideoFrameStream
from keras_landmarks.data.files.video_files import probe_video
from keras_landmarks.data.files.video_writer import VideoWriter
from tests.data.fixtures import counter_frames


@pytest.mark.parametrize("height, width", [(24, 32), (23, 31)])
def test_frames_written_read_back(tmp_path, height, width):
    frames = counter_frames(12, height, width, step=20)
    path = tmp_path / "sub" / "clip.mp4"
    with VideoWriter(path, fps=15) as video:
        for frame in frames:
            video.write(frame)
    assert video.num_frames == 12
    # An odd side gets one black row / column (H.264 in yuv420p).
    even = (height + height % 2, width + width % 2)
    assert probe_video(path) == (12, *even)
    with VideoFrameStream(path) as stream:
        assert stream.fps == 15
        decoded = np.stack(list(stream))
    np.testing.assert_allclose(
        decoded[:, :height, :width].mean(axis=(1, 2, 3)), 20 * np.arange(12), atol=2
    )


def test_no_frames_no_file_and_bad_frames_refused(tmp_path):
    VideoWriter(tmp_path / "empty.mp4").close()
    assert not (tmp_path / "empty.mp4").exists()
    with VideoWriter(tmp_path / "clip.mp4") as video:
        video.write(np.zeros((8, 8, 3), np.uint8))
        with pytest.raises(ValueError, match=r"first frame's size \(8, 8\)"):
            video.write(np.zeros((8, 10, 3), np.uint8))
        with pytest.raises(ValueError, match="float32"):
            video.write(np.zeros((8, 8, 3), np.float32))
    with pytest.raises(ValueError, match="fps=0"):
        VideoWriter(tmp_path / "x.mp4", fps=0)


def test_keyframe_interval(tmp_path):
    import av

    with VideoWriter(tmp_path / "clip.mp4", keyframe_interval=4) as video:
        for frame in counter_frames(12):
            video.write(frame)
    with av.open(str(tmp_path / "clip.mp4")) as container:
        # Packets come in decoding order: sort them into presentation order.
        packets = sorted(
            (p.pts, p.is_keyframe) for p in container.demux(video=0) if p.size
        )
    keyframes = [i for i, (_, key) in enumerate(packets) if key] + [len(packets)]
    # x264 places them at most `keyframe_interval` frames apart (here every 3).
    assert keyframes[0] == 0 and max(np.diff(keyframes)) <= 4
    with pytest.raises(ValueError, match="keyframe_interval=0"):
        VideoWriter(tmp_path / "x.mp4", keyframe_interval=0)
