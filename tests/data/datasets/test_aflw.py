import numpy as np
import pytest
import scipy.io

from keras_landmarks.data.datasets.aflw import aflw
from keras_landmarks.data.datasets.aflw import aflw_pairs
from keras_landmarks.data.datasets.aflw import aflw_splits
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids
from tests.data.fixtures import write_image


def _aflw(root, num_train=10, num_test=2):
    rng = np.random.default_rng(0)
    for subset, count in (("train", num_train), ("test", num_test)):
        names, gt = [], []
        for i in range(count):
            points = rng.uniform(20, 60, (5, 2)).round()
            name = f"{subset}_{i:03d}.jpg"
            write_image(root / "output" / name, blob_image(80, 80, points, 3))
            names.append(name)
            gt.append(points)
        (root / f"aflw_{subset}_images.txt").write_text("\n".join(names) + "\n")
        scipy.io.savemat(
            root / f"aflw_{subset}_keypoints.mat",
            {"gt": np.array(gt), "hw": np.full((count, 2), 80)},
        )
    return root


def test_splits_hold_out_last_ten_percent(tmp_path):
    root = _aflw(tmp_path)
    assert len(list(aflw(root, "train"))) == 9
    assert len(list(aflw(root, "val"))) == 1
    test = list(aflw(root, "test", image_size=40).as_numpy_iterator())
    assert len(test) == 2 and test[0]["image"].shape == (40, 40, 3)
    gt = scipy.io.loadmat(root / "aflw_test_keypoints.mat")["gt"][0]
    expected = gt * 39 / 79
    np.testing.assert_allclose(test[0]["landmarks"], expected, atol=1e-4)
    np.testing.assert_allclose(centroids(test[0]["image"]), expected[:3], atol=0.5)


def test_disagreeing_files_raise(tmp_path):
    root = _aflw(tmp_path)
    (root / "aflw_test_images.txt").write_text("test_000.jpg\n")
    with pytest.raises(ValueError, match="2 keypoint rows but .* lists 1"):
        aflw(root, "test")
    (root / "aflw_train_keypoints.mat").unlink()
    with pytest.raises(ValueError, match="aflw_train_keypoints.mat"):
        aflw(root, "train")


def test_aflw_splits_are_train_and_test_as_arrays(tmp_path):
    root = _aflw(tmp_path)
    splits = aflw_splits(root, 40, num_test=1)
    assert splits.train_images.shape == (9, 40, 40, 3)
    assert splits.test_landmarks.shape == (1, 5, 2)
    gt = scipy.io.loadmat(root / "aflw_test_keypoints.mat")["gt"][0]
    np.testing.assert_allclose(splits.test_landmarks[0], gt * 39 / 79, atol=1e-4)
    assert (splits.name, splits.metric) == ("aflw", "inter_ocular")


def test_aflw_pairs_are_endless(tmp_path):
    pairs = aflw_pairs(_aflw(tmp_path, num_train=3), 32)
    assert len(list(pairs.take(5).as_numpy_iterator())) == 5  # 2 training images
