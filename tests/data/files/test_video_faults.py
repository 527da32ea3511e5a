"""Fault injection against video decoding: cut files whose header promises
frames that are not there, and files whose frames fail to decode.

The bad files are made here: an mp4 written with its index at the front
(`faststart`) and cut in its frame data, as a copy or download stopped half
way leaves it. Before the fix, training on a header-only file skipped pairs
forever (80,000 log lines in 90 s, no step) and `detect` read concealed frames.
"""

import logging

import numpy as np
import pytest

from keras_landmarks.data.files import video_files
from keras_landmarks.data.files.bad_files import num_skipped_files
from keras_landmarks.data.files.bad_files import reset_skipped_files
from keras_landmarks.data.files.bad_files import skipped_files
from keras_landmarks.data.files.video_files import decode_leading_frames
from keras_landmarks.data.files.video_files import probe_video
from keras_landmarks.data.files.video_files import read_video_frames
from keras_landmarks.data.pairs import video_frame_source
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.video_frame_source import MAX_DECODE_FAILURES
from keras_landmarks.data.pairs.video_frame_source import VideoFiles
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_cut_video
from tests.data.fixtures import write_video

FRAMES = 100


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cut_videos")
    frames = counter_frames(FRAMES, step=2)
    return {
        "good": write_video(folder / "good.mp4", frames),
        "header_only": write_cut_video(folder / "header_only.mp4", frames, keep=0.0),
        "half": write_cut_video(folder / "half.mp4", frames, keep=0.5),
    }


@pytest.fixture(autouse=True)
def _fresh_record():
    reset_skipped_files()
    yield
    reset_skipped_files()


def _lines_about(caplog, path):
    return [r for r in caplog.records if path in r.getMessage()]


def test_probe_counts_the_frames_in_the_file_not_the_header(videos, caplog):
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        assert probe_video(videos["header_only"]) == (0, 24, 32)
        num_frames, _, _ = probe_video(videos["half"])
    assert 0 < num_frames < FRAMES
    # Every probed frame decodes.
    frames = read_video_frames(videos["half"], range(num_frames))
    np.testing.assert_allclose(frames[:, 5, 5, 0], 2 * np.arange(num_frames), atol=2)
    assert len(_lines_about(caplog, videos["half"])) == 1
    assert "promises 100 frames" in _lines_about(caplog, videos["half"])[0].message
    with pytest.raises(ValueError, match="not found"):
        read_video_frames(videos["half"], [FRAMES - 1])


def test_header_only_video_is_skipped_and_counted_when_the_pairs_are_built(
    videos, caplog
):
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        pairs = frame_pairs(
            VideoFiles([videos["header_only"], videos["good"]]), 16, num_pairs=20
        )
        assert len(list(pairs.as_numpy_iterator())) == 20
    assert [path for path, _ in skipped_files()] == [videos["header_only"]]
    assert num_skipped_files() == 1
    assert len(_lines_about(caplog, videos["header_only"])) == 1


def test_no_usable_video_is_a_clear_error_not_an_endless_loop(videos):
    with pytest.raises(ValueError, match="No readable video"):
        VideoFiles([videos["header_only"]])


def test_partly_decodable_video_gives_pairs_without_skips(videos, caplog):
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        pairs = frame_pairs(VideoFiles([videos["half"]]), 16, num_pairs=24)
        assert len(list(pairs.as_numpy_iterator())) == 24
    assert num_skipped_files() == 0
    assert len(_lines_about(caplog, videos["half"])) == 1  # the probe's note


def _failing_reader(bad_path):
    real = video_files.read_video_frames

    def read(path, indices):
        if path == bad_path:
            raise ValueError("injected decoder failure")
        return real(path, indices)

    return read


def test_a_file_that_keeps_failing_is_logged_once_then_left_out(
    videos, caplog, monkeypatch
):
    bad = videos["half"]
    monkeypatch.setattr(video_frame_source, "read_video_frames", _failing_reader(bad))
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        pairs = frame_pairs(
            VideoFiles([bad, videos["good"]], num_parallel_reads=1), 16, num_pairs=60
        )
        # Pair i comes from video i % 2: the good file's 30 pairs, none of the bad.
        assert len(list(pairs.as_numpy_iterator())) == 30
    assert len(_lines_about(caplog, bad)) == 1 + 1  # the probe's note, one failure
    assert [path for path, _ in skipped_files()] == [bad] * MAX_DECODE_FAILURES


def test_endless_pairs_stop_when_every_file_fails(videos, monkeypatch):
    bad = videos["half"]
    monkeypatch.setattr(video_frame_source, "read_video_frames", _failing_reader(bad))
    pairs = frame_pairs(VideoFiles([bad]), 16, num_pairs=2**62)
    with pytest.raises(Exception, match="Every video failed to decode"):
        next(iter(pairs))
    # Two decoding threads: one may fail once more while the other gives up.
    assert MAX_DECODE_FAILURES <= num_skipped_files() <= MAX_DECODE_FAILURES + 1


def test_detect_reads_only_the_frames_that_decode(videos):
    frames, note = decode_leading_frames(videos["half"], 300)
    assert 0 < len(frames) < FRAMES and "frames that decode" in note
    # No concealed or half-drawn frame: each is the grey level it was written with.
    np.testing.assert_allclose(
        frames[:, :, :, 0].mean(axis=(1, 2)), 2 * np.arange(len(frames)), atol=2
    )
    full, note = decode_leading_frames(videos["good"], 300)
    assert len(full) == FRAMES and note is None
    with pytest.raises(ValueError, match="no frame decodes"):
        decode_leading_frames(videos["header_only"], 300)
