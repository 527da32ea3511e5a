import numpy as np
import pytest

from keras_landmarks.data.synthetic.figures import BBC_POSE_JOINTS
from keras_landmarks.data.synthetic.figures import JOINT_NAMES
from keras_landmarks.data.synthetic.figures import make_figure_sequences


@pytest.mark.parametrize("size", [16, 32, 64, 128])
def test_shapes_dtypes_and_names(size):
    frames, joints, names = make_figure_sequences(2, 3, size=size)
    assert frames.shape == (2, 3, size, size, 3)
    assert frames.dtype == np.uint8
    assert joints.shape == (2, 3, len(JOINT_NAMES), 2)
    assert joints.dtype == np.float32
    assert names == JOINT_NAMES


def test_bbc_pose_joints_come_first_in_bbc_order():
    bbc_order = (
        "head",
        "right_wrist",
        "left_wrist",
        "right_elbow",
        "left_elbow",
        "right_shoulder",
        "left_shoulder",
    )
    assert tuple(JOINT_NAMES[i] for i in BBC_POSE_JOINTS) == bbc_order
    assert set(JOINT_NAMES[7:]) == {
        f"{side}_{part}"
        for side in ("left", "right")
        for part in ("hip", "knee", "ankle")
    }


def test_same_seed_same_output_different_seed_differs():
    frames, joints, _ = make_figure_sequences(2, 4, size=32, seed=3)
    again_frames, again_joints, _ = make_figure_sequences(2, 4, size=32, seed=3)
    other_frames, other_joints, _ = make_figure_sequences(2, 4, size=32, seed=4)
    np.testing.assert_array_equal(frames, again_frames)
    np.testing.assert_array_equal(joints, again_joints)
    assert not np.array_equal(frames, other_frames)
    assert not np.allclose(joints, other_joints)


def test_motion_is_smooth():
    size = 64
    _, joints, _ = make_figure_sequences(8, 60, size=size, seed=1, clutter=False)
    step = np.linalg.norm(joints[:, 1:] - joints[:, :-1], axis=-1)
    far = np.linalg.norm(joints[:, 30:] - joints[:, :-30], axis=-1)
    assert step.mean() < 0.2 * far.mean()
    assert step.max() < 0.1 * size
    assert far.mean() > 0.03 * size  # it does move


def test_figure_is_in_the_frame_and_upright():
    size = 64
    _, joints, _ = make_figure_sequences(8, 30, size=size, seed=2)
    inside = (joints >= 0) & (joints <= size - 1)
    assert inside.all(axis=-1).mean() > 0.97
    head_y = joints[..., 0, 1]
    ankle_y = joints[..., 11:13, 1].min(axis=-1)
    assert np.all(head_y < ankle_y)
    # The figure faces the viewer: its right side is on the image's left.
    right_shoulder_x = joints[..., BBC_POSE_JOINTS[5], 0]
    left_shoulder_x = joints[..., BBC_POSE_JOINTS[6], 0]
    assert np.all(right_shoulder_x < left_shoulder_x)


def test_joints_lie_on_the_drawn_figure():
    frames, joints, _ = make_figure_sequences(
        4, 10, size=64, seed=5, clutter=False, noise=0.0
    )
    background = frames[:, :, :1, :1].astype(int)  # the plain background colour
    x = np.clip(np.round(joints[..., 0]).astype(int), 0, 63)
    y = np.clip(np.round(joints[..., 1]).astype(int), 0, 63)
    s, t = np.meshgrid(np.arange(4), np.arange(10), indexing="ij")
    for joint in range(len(JOINT_NAMES)):
        pixel = frames[s, t, y[..., joint], x[..., joint]].astype(int)
        differs = np.abs(pixel - background[:, :, 0, 0]).sum(axis=-1) > 6
        inside = (joints[..., joint, :] >= 0).all(-1) & (
            joints[..., joint, :] <= 63
        ).all(-1)
        assert differs[inside].mean() > 0.95, JOINT_NAMES[joint]


def test_background_is_static_within_a_sequence():
    frames, _, _ = make_figure_sequences(2, 5, size=32, clutter=False, noise=0.0)
    corner = frames[:, :, 0, 0]
    np.testing.assert_array_equal(corner, corner[:, :1].repeat(5, axis=1))
    assert not np.array_equal(frames[:, 0], frames[:, -1])


BAD_ARGUMENTS = [
    (dict(num_sequences=0, length=2), "num_sequences"),
    (dict(num_sequences=1, length=0), "length"),
    (dict(num_sequences=1, length=2, size=8), "size"),
    (dict(num_sequences=1, length=2, seed=1.5), "seed"),
    (dict(num_sequences=1, length=2, figure_height=0.0), "figure_height"),
    (dict(num_sequences=1, length=2, max_drift=-1), "max_drift"),
    (dict(num_sequences=1, length=2, clutter=1), "clutter"),
]


def test_bad_arguments_raise():
    for kwargs, message in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=message):
            make_figure_sequences(**kwargs)
