import h5py
import numpy as np
import pytest

from keras_landmarks.data.datasets.svhn import read_digit_struct
from keras_landmarks.data.datasets.svhn import svhn_pairs
from tests.data.fixtures import write_image

COLOURS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)


def _write_digit_struct(path, records):
    """Writes SVHN format-1 digitStruct.mat (MATLAB v7.3 = HDF5 with refs)."""
    with h5py.File(path, "w") as f:
        name_refs, box_refs = [], []
        for i, (name, boxes) in enumerate(records):
            codes = np.array([ord(c) for c in name], np.uint16)[:, None]
            name_refs.append(f.create_dataset(f"#refs#/n{i}", data=codes).ref)
            group = f.create_group(f"#refs#/b{i}")
            for key, column in zip(
                ("left", "top", "width", "height", "label"), boxes.T, strict=True
            ):
                if len(column) == 1:
                    group.create_dataset(key, data=column.reshape(1, 1))
                    continue
                refs = [
                    f.create_dataset(f"#refs#/b{i}{key}{j}", data=[[v]]).ref
                    for j, v in enumerate(column)
                ]
                group.create_dataset(key, data=np.array(refs, h5py.ref_dtype)[:, None])
            box_refs.append(group.ref)
        f.create_dataset(
            "digitStruct/name", data=np.array(name_refs, h5py.ref_dtype)[:, None]
        )
        f.create_dataset(
            "digitStruct/bbox", data=np.array(box_refs, h5py.ref_dtype)[:, None]
        )


def _svhn(root):
    folder = root / "train"
    records = []
    for index in range(3):
        count = 1 if index == 2 else 2 + index  # the last has a single digit
        image = np.zeros((40, 80, 3), np.uint8)
        boxes = []
        for d in range(count):
            left, top = 8 + 22 * d, 10
            image[top : top + 18, left : left + 12] = COLOURS[d]
            boxes.append([left, top, 12, 18, d + 1])
        write_image(folder / f"{index + 1}.png", image)
        records.append((f"{index + 1}.png", np.array(boxes, float)))
    _write_digit_struct(folder / "digitStruct.mat", records)
    return root


def test_read_digit_struct(tmp_path):
    records = read_digit_struct(_svhn(tmp_path) / "train" / "digitStruct.mat")
    assert [r[0] for r in records] == ["1.png", "2.png", "3.png"]
    np.testing.assert_array_equal(records[1][1][2], [52, 10, 12, 18, 3])
    np.testing.assert_array_equal(records[2][1], [[8, 10, 12, 18, 1]])


def test_pairs_are_two_different_digits_of_one_number(tmp_path):
    pairs = svhn_pairs(_svhn(tmp_path), image_size=16, seed=0, num_pairs=8)
    pairs = list(pairs.as_numpy_iterator())
    assert len(pairs) == 8 and pairs[0]["source"].shape == (16, 16, 3)
    for pair in pairs:
        source = np.argmax(pair["source"][8, 8])
        target = np.argmax(pair["target"][8, 8])
        assert pair["source"][8, 8].max() > 200 and pair["target"][8, 8].max() > 200
        assert source != target


def test_missing_annotation_raises(tmp_path):
    with pytest.raises(ValueError, match="digitStruct.mat"):
        svhn_pairs(tmp_path)
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "digitStruct.mat").write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match="v7.3"):
        svhn_pairs(tmp_path, "test")
