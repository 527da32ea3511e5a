import numpy as np
import pytest

from keras_landmarks.data.datasets.smallnorb import read_norb_file
from keras_landmarks.data.datasets.smallnorb import smallnorb_pairs
from keras_landmarks.data.datasets.smallnorb import smallnorb_viewpoints
from keras_landmarks.data.datasets.smallnorb import viewpoint_neighbours

TRAIN = "smallnorb-5x46789x9x18x6x2x96x96-training-{}.mat"


def _write_norb(path, array):
    magic = {np.uint8: 0x1E3D4C55, np.int32: 0x1E3D4C54}[array.dtype.type]
    dims = list(array.shape) + [1] * max(0, 3 - array.ndim)
    header = np.array([magic, array.ndim, *dims], "<i4").tobytes()
    path.write_bytes(header + array.astype(array.dtype.newbyteorder("<")).tobytes())


def _smallnorb(root):
    """Category 2, instance 4, elevations 0-2, all 18 azimuths, lighting 0."""
    info, images = [], []
    for elevation in range(3):
        for step in range(18):
            info.append([4, elevation, 2 * step, 0])
            # Pixel value encodes the viewpoint.
            images.append(np.full((2, 16, 16), elevation * 18 + step, np.uint8))
    info.append([5, 0, 0, 3])  # an instance with no neighbour
    images.append(np.zeros((2, 16, 16), np.uint8))
    _write_norb(root / TRAIN.format("dat"), np.array(images, np.uint8))
    _write_norb(root / TRAIN.format("cat"), np.full(len(info), 2, np.int32))
    _write_norb(root / TRAIN.format("info"), np.array(info, np.int32))
    return root


def test_read_norb_file_round_trip(tmp_path):
    _smallnorb(tmp_path)
    assert read_norb_file(tmp_path / TRAIN.format("dat")).shape == (55, 2, 16, 16)
    assert read_norb_file(tmp_path / TRAIN.format("cat")).shape == (55,)
    (tmp_path / "bad.mat").write_bytes(b"MATLAB 5.0 MAT-file")
    with pytest.raises(ValueError, match="not a NORB"):
        read_norb_file(tmp_path / "bad.mat")


def test_neighbours_by_construction():
    info = np.array([[0, 0, 0, 0], [0, 0, 2, 0], [0, 1, 0, 0], [0, 0, 34, 0]])
    table = viewpoint_neighbours(info, np.zeros(4, int))
    assert sorted(table[0][table[0] >= 0]) == [1, 2, 3]  # azimuth wraps 0 <-> 34


def test_pairs_are_neighbouring_viewpoints(tmp_path):
    pairs = smallnorb_pairs(_smallnorb(tmp_path), category="airplane", seed=0)
    pairs = list(pairs.as_numpy_iterator())
    assert len(pairs) == 54 and pairs[0]["source"].shape == (16, 16, 3)
    for pair in pairs:
        a, b = int(pair["source"][0, 0, 0]), int(pair["target"][0, 0, 0])
        (ea, sa), (eb, sb) = divmod(a, 18), divmod(b, 18)
        azimuth_steps = min((sa - sb) % 18, (sb - sa) % 18)
        assert abs(ea - eb) + azimuth_steps == 1


def test_viewpoints_sweep_the_azimuth_of_the_first_object(tmp_path):
    root = _smallnorb(tmp_path)
    images, azimuths = smallnorb_viewpoints(root, "train", "airplane", 32, views=4)
    assert images.shape == (4, 32, 32, 3) and images.dtype == np.float32
    np.testing.assert_array_equal(images[:, 0, 0, 0], [0, 1, 2, 3])  # steps 0-3
    np.testing.assert_array_equal(azimuths, [0, 20, 40, 60])
    _, all_round = smallnorb_viewpoints(root, "train", views=30)
    assert len(all_round) == 18  # one full turn, no repeats
    with pytest.raises(ValueError, match="views=1"):
        smallnorb_viewpoints(root, "train", views=1)


def test_missing_files_and_bad_category(tmp_path):
    with pytest.raises(ValueError, match="training-dat.mat"):
        smallnorb_pairs(tmp_path)
    with pytest.raises(ValueError, match="category"):
        smallnorb_pairs(tmp_path, category="boat")
