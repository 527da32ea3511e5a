import numpy as np
import pytest

from keras_landmarks.data.datasets.human36m import human36m_pairs
from keras_landmarks.data.datasets.human36m import joint_boxes
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids
from tests.data.fixtures import write_video


def _human36m(root, subject="S11", num_frames=16):
    poses = np.zeros((1, num_frames, 64), np.float32)
    frames = []
    for t in range(num_frames):
        joints = np.tile([[40.0 + t, 30.0]], (32, 1))
        joints[1] = [20.0, 20.0 + t]
        joints[2] = [60.0, 50.0]
        poses[0, t] = joints.ravel()
        frames.append(blob_image(72, 96, joints[[0, 1, 2]], 3))
    write_video(root / subject / "Videos" / "Walking.54138969.mp4", np.stack(frames))
    write_video(root / subject / "Videos" / "Eating.54138969.mp4", np.stack(frames))
    pose_dir = root / subject / "MyPoseFeatures" / "D2_Positions"
    pose_dir.mkdir(parents=True)
    np.save(pose_dir / "Walking.54138969.npy", poses)  # Eating has no poses
    return root, poses.reshape(num_frames, 32, 2)


def test_joint_boxes_by_construction():
    poses = np.array([[[10.0, 20.0], [30.0, 30.0]]])
    np.testing.assert_allclose(joint_boxes(poses, scale=1.5), [[5, 17.5, 35, 32.5]])
    with pytest.raises(ValueError, match="scale=0"):
        joint_boxes(poses, scale=0)


def test_pairs_are_cropped_square_around_the_union_of_the_joint_boxes(tmp_path):
    # The fixture's joints span x 20..60 (40 px) and at most 30 px in y in
    # every frame: the union of two frames' boxes (x 1.5) is 60 px wide and
    # at most 45 px tall, grown to a 60-px square: one scale, 31 / 60, on
    # both axes of the 32-px crop (the reference's `_fit_bbox`), where
    # stretching the union would scale y by more.
    root, _ = _human36m(tmp_path)
    pairs = human36m_pairs(root, "test", 32, with_landmarks=True, num_pairs=4)
    for pair in pairs.as_numpy_iterator():
        for points in (pair["source_landmarks"], pair["target_landmarks"]):
            x_scale = abs(points[2, 0] - points[1, 0]) / 40  # joints 1, 2: dx 40
            y_scale = abs(points[2, 1] - points[0, 1]) / 20  # joints 0, 2: dy 20
            np.testing.assert_allclose([x_scale, y_scale], 31 / 60, rtol=1e-4)


def test_test_split_pairs_with_landmarks(tmp_path, caplog):
    root, _ = _human36m(tmp_path)
    pairs = human36m_pairs(root, "test", 32, with_landmarks=True, num_pairs=4)
    pairs = list(pairs.as_numpy_iterator())
    assert "Eating.54138969.mp4" in caplog.text  # no pose file: reported
    assert pairs[0]["source_landmarks"].shape == (32, 2)
    for pair in pairs:
        # The crop is the union of both frames' loose boxes: joints stay inside.
        assert pair["source_landmarks"].min() > 0
        assert pair["source_landmarks"].max() < 31
        np.testing.assert_allclose(
            centroids(pair["target"], 1)[0], pair["target_landmarks"][0], atol=0.8
        )
    default = list(human36m_pairs(root, "test", 32, num_pairs=1))
    assert sorted(default[0]) == ["mask", "source", "target"]


def test_train_split_needs_paper_subjects(tmp_path):
    root, _ = _human36m(tmp_path, subject="S1")
    with pytest.raises(ValueError, match="S5"):
        human36m_pairs(root, "train")
    assert len(list(human36m_pairs(root, "train", 16, subjects=["S1"]))) == 1
