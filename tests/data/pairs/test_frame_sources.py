import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.pairs.frame_sources import FrameArrays
from keras_landmarks.data.pairs.frame_sources import FrameFiles
from keras_landmarks.data.pairs.frame_sources import check_annotations
from keras_landmarks.data.pairs.frame_sources import frame_folders
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_image
from tests.data.fixtures import write_truncated_jpeg


def _plan(index):
    # Pair i: video i % 2, frames (i, i + 1).
    return {"video": index % 2, "frames": tf.stack([index, index + 1])}


def test_arrays_read_the_planned_frames():
    frames = np.zeros((2, 5, 2, 2, 3), np.uint8)
    frames[..., 0] = np.arange(5)[None, :, None, None]  # red = frame index
    frames[..., 1] = np.arange(2)[:, None, None, None]  # green = video
    source = FrameArrays(frames)
    assert source.lengths == [5, 5] and source.frame_size == (2, 2)
    pairs = list(source.read(_plan, 3).as_numpy_iterator())
    for index, pair in enumerate(pairs):
        assert pair["first"][0, 0].tolist() == [index, index % 2, 0]
        assert pair["second"][0, 0].tolist() == [index + 1, index % 2, 0]


def test_array_shape_errors():
    with pytest.raises(ValueError, match=r"Received: shape=\(3, 8, 8, 3\)"):
        FrameArrays(np.zeros((3, 8, 8, 3)))
    with pytest.raises(ValueError, match="landmarks.shape"):
        FrameArrays(np.zeros((1, 9, 8, 8, 3)), np.zeros((1, 8, 2, 2)))


def test_files_drop_a_broken_frame_with_its_annotations(tmp_path):
    paths = []
    for t, frame in enumerate(counter_frames(3)):
        paths.append(str(tmp_path / f"{t:05d}.png"))
        write_image(paths[-1], frame)
    write_truncated_jpeg(tmp_path / "00001.jpg")
    paths.insert(1, str(tmp_path / "00001.jpg"))
    boxes = [np.arange(16, dtype=np.float32).reshape(4, 4)]
    source = FrameFiles([paths], boxes=boxes)
    assert source.lengths == [3] and source.names == [str(tmp_path)]
    np.testing.assert_array_equal(source.boxes[0], boxes[0][[0, 2, 3]])
    assert [p.rsplit("/", 1)[1] for p in source.paths[0]] == [
        "00000.png",
        "00001.png",
        "00002.png",
    ]


def test_annotation_checks():
    assert check_annotations("boxes", None, 2, (4,)) is None
    arrays = check_annotations("boxes", [np.zeros((3, 4), int)], 1, (4,))
    assert arrays[0].dtype == np.float32
    with pytest.raises(ValueError, match="one array per video \\(2\\). Received: 1"):
        check_annotations("boxes", [np.zeros((3, 4))], 2, (4,))
    with pytest.raises(ValueError, match=r"landmarks.shape=\(3, 5, 3\)"):
        check_annotations("landmarks", [np.zeros((3, 5, 3))], 1, (2,))


def test_folders_errors(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        frame_folders(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="found none"):
        frame_folders(tmp_path)
