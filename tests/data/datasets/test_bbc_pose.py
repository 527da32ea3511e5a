import logging

import numpy as np
import pytest
import scipy.io

from keras_landmarks.data.datasets.bbc_pose import SIGNER_CROP_MARGIN
from keras_landmarks.data.datasets.bbc_pose import bbc_pose
from keras_landmarks.data.datasets.bbc_pose import bbc_pose_pairs
from keras_landmarks.data.datasets.bbc_pose import bbc_pose_splits
from keras_landmarks.data.datasets.bbc_pose import original_distance_in_crop
from keras_landmarks.data.datasets.bbc_pose import read_bbc_pose_annotations
from keras_landmarks.data.datasets.bbc_pose import signer_crop_side
from keras_landmarks.data.datasets.streamed_images import StreamedImages
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids
from tests.data.fixtures import write_image

FIELDS = ("videoName", "type", "source", "train_frames", "train_joints")
FIELDS += ("test_frames", "test_joints")


def _bbc_pose(root):
    """Two videos: 1 is train, 2 is test; frames are 1.jpg .. 12.jpg."""
    rng = np.random.default_rng(0)
    entries = np.zeros((1, 2), dtype=[(f, "O") for f in FIELDS])
    for number, kind in ((1, "train"), (2, "test")):
        frames = np.arange(1, 13)
        joints = rng.uniform(15, 45, (len(frames), 7, 2)).round()  # 0-based
        for frame, points in zip(frames, joints, strict=True):
            image = blob_image(60, 80, points, 3)
            write_image(root / str(number) / f"{frame}.jpg", image)
        prefix = "train" if kind == "train" else "test"
        entry = entries[0, number - 1]
        entry["videoName"], entry["type"], entry["source"] = f"v{number}", kind, "x"
        for p in ("train", "test"):
            entry[f"{p}_frames"] = np.zeros((1, 0))
            entry[f"{p}_joints"] = np.zeros((2, 7, 0))
        entry[f"{prefix}_frames"] = frames[None].astype(float)
        entry[f"{prefix}_joints"] = np.transpose(joints + 1, (2, 1, 0))  # 1-based
        np.save(root / f"joints_{number}.npy", joints)
    scipy.io.savemat(root / "bbcpose.mat", {"bbcpose": entries})
    return root


def test_annotated_test_frames(tmp_path):
    root = _bbc_pose(tmp_path)
    elements = list(bbc_pose(root, "test", image_size=40).as_numpy_iterator())
    assert len(elements) == 12 and elements[0]["landmarks"].shape == (7, 2)
    joints = np.load(root / "joints_2.npy")
    expected = joints[0] * [39 / 79, 39 / 59]
    np.testing.assert_allclose(elements[0]["landmarks"], expected, atol=1e-4)
    np.testing.assert_allclose(centroids(elements[0]["image"]), expected[:3], atol=0.6)


def test_missing_frames_are_reported(tmp_path, caplog):
    root = _bbc_pose(tmp_path)
    (root / "1" / "3.jpg").unlink()
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        assert len(list(bbc_pose(root, "train", 32))) == 11
    assert "3.jpg" in caplog.text


def test_pairs_from_train_videos(tmp_path):
    pairs = list(bbc_pose_pairs(_bbc_pose(tmp_path), "train", 32, num_pairs=3))
    assert len(pairs) == 3 and sorted(pairs[0]) == ["mask", "source", "target"]


def test_missing_annotation_raises(tmp_path):
    with pytest.raises(ValueError, match="bbcpose.mat"):
        bbc_pose(tmp_path)


def test_signer_crop_is_one_square_per_video_and_6px_is_measured_in_the_frame(
    tmp_path,
):
    root = _bbc_pose(tmp_path)
    joints = np.load(root / "joints_2.npy")
    extents = [
        np.ptp(np.load(root / f"joints_{n}.npy").reshape(-1, 2), axis=0).max()
        for n in (1, 2)
    ]
    side = signer_crop_side(read_bbc_pose_annotations(root))
    assert side == pytest.approx(SIGNER_CROP_MARGIN * max(extents))
    flat = joints.reshape(-1, 2)
    x0, y0 = (flat.min(axis=0) + flat.max(axis=0)) / 2 - side / 2
    elements = list(bbc_pose(root, "test", 40, box="signer").as_numpy_iterator())
    scale = 39 / side  # pixel centres: the box's corners become 0 and 39
    for element, points in zip(elements, joints, strict=True):
        expected = (points - [x0, y0]) * scale
        np.testing.assert_allclose(element["landmarks"], expected, atol=1e-3)
    np.testing.assert_allclose(
        centroids(elements[0]["image"]), (joints[0, :3] - [x0, y0]) * scale, atol=0.8
    )
    # 6 original pixels are 6 * 39 / side pixels of the 40-px crop.
    assert original_distance_in_crop(6, side, 40) == pytest.approx(6 * scale)
    pairs = list(bbc_pose_pairs(root, "train", 40, box="signer", num_pairs=2))
    assert pairs[0]["source"].shape == (40, 40, 3)
    with pytest.raises(ValueError, match="box='face'"):
        bbc_pose(root, "test", 40, box="face")


def test_the_evaluation_splits_stream_the_train_frames_in_the_signer_crop(tmp_path):
    root = _bbc_pose(tmp_path)
    splits = bbc_pose_splits(root, 40, num_regression=5)
    side = signer_crop_side(read_bbc_pose_annotations(root))
    assert splits.distance == pytest.approx(6 * 39 / side)
    assert (splits.metric, splits.name) == ("within_distance", "bbc_pose")
    # Train frames: streamed (only the joints held), the first 5, signer crop.
    assert isinstance(splits.train_images, StreamedImages)
    assert len(splits.train_images) == 5 and splits.train_landmarks.shape == (5, 7, 2)
    cropped = list(bbc_pose(root, "train", 40, box="signer").take(5))
    np.testing.assert_allclose(
        splits.train_landmarks, np.stack([e["landmarks"] for e in cropped]), atol=1e-5
    )
    assert splits.test_images.shape == (12, 40, 40, 3)
    # Whole frames: the distance stays in the model's frame.
    whole = bbc_pose_splits(root, 40, 2, 2, box=None, distance=6.0)
    assert whole.distance == 6.0 and whole.test_images.shape == (2, 40, 40, 3)
