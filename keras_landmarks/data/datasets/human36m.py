"""Human3.6M: frame pairs of people moving, loose crops from the 2-D poses.

Where to get it (the code never downloads): http://vision.imar.ro/human3.6m/
(registration). Expected layout, as the official per-subject archives
unpack::

    root/S1/Videos/<Action>.<camera>.mp4
    root/S1/MyPoseFeatures/D2_Positions/<Action>.<camera>.cdf
    ... S5, S6, S7, S8, S9, S11

The `.cdf` files hold a "Pose" variable of shape (1, T, 64): 32 joints as
(x, y) pixels per frame. Reading `.cdf` needs the `cdflib` package (not a
dependency of keras-landmarks); a `.npy` file with the same stem next to it,
holding that array converted once, is read instead when present.

Paper split: subjects S1, S5, S6, S7, S8, S9 train, S11 test.

The crop, as the authors' pair loader makes it (tomasjakab/imm,
`imm/datasets/impair_dataset.py`, `ImagePairDataset._proc_im_pair` with
`crop_to_bbox`: `_find_common_box`, `_fit_bbox`, `_crop_to_box`): both frames
of a pair are cropped to the union of the two frames' boxes, grown about its
centre to the output's aspect ratio (square for 128 x 128) so nothing is
stretched, zeros where it leaves the frame, and resized to `image_size`
(`fit="pad"` of `frame_pairs`). Each frame's box comes from its 2-D pose
annotation (`joint_boxes`). The Human3.6M subclass that supplied the boxes is
not in the public code, so the box's margin around the joints,
`LOOSE_CROP_SCALE`, is ours ("loose crops"). (The authors' later KeypointGAN
code, tomasjakab/keypointgan `data/simplehuman36m_dataset.py`, reads instead
the frames Zhang et al. 2018 released already cropped to 128 x 128.)
"""

from pathlib import Path

import numpy as np

from keras_landmarks.data.datasets.annotation_files import report_mismatch
from keras_landmarks.data.pairs.frame_pairs import MAX_GAP
from keras_landmarks.data.pairs.frame_pairs import MIN_GAP
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.video_frame_source import VideoFiles

# Paper: subjects used for training and testing.
TRAIN_SUBJECTS = ("S1", "S5", "S6", "S7", "S8", "S9")
TEST_SUBJECTS = ("S11",)
NUM_JOINTS = 32
# Our choice ("loose crops"; neither the paper nor the public code gives a
# number): each frame's box is the joints' bounding box grown 1.5 times about
# its centre.
LOOSE_CROP_SCALE = 1.5
# Reference pair loader (module docstring): the boxes' union is grown to the
# output's aspect ratio, zeros outside the frame.
CROP_FIT = "pad"


def read_h36m_poses(path):
    """Reads the 2-D poses of one video as float32 `(T, 32, 2)` pixel (x, y).

    Reads `<stem>.npy` when it exists, else the `.cdf` file with `cdflib`.
    """
    path = Path(path)
    sidecar = path.with_suffix(".npy")
    if sidecar.is_file():
        poses = np.load(sidecar)
    else:
        try:
            import cdflib
        except ImportError:
            raise ValueError(
                f"Reading {path} needs the `cdflib` package (pip install cdflib), "
                f"or a converted {sidecar.name} next to it."
            ) from None
        poses = cdflib.CDF(str(path)).varget("Pose")
    poses = np.asarray(poses, np.float32).reshape(-1, NUM_JOINTS, 2)
    return poses


def joint_boxes(poses, scale=LOOSE_CROP_SCALE):
    """Each frame's `(x0, y0, x1, y1)` box: its joints' bounding box, loosened.

    The joints' bounding box grown `scale` times about its centre, at least
    2 pixels a side; not made square (the pair's union is, see the module
    docstring).

    Args:
        poses: float array `(T, J, 2)` pixel (x, y).
        scale: float, default `LOOSE_CROP_SCALE`. Box side over the joints'
            extent, per axis.

    Returns:
        float32 array `(T, 4)`.

    Raises:
        ValueError: `scale` is not positive.
    """
    if not scale > 0:
        raise ValueError(f"`scale` must be positive. Received: scale={scale!r}")
    low, high = poses.min(axis=1), poses.max(axis=1)
    centre = (low + high) / 2
    half = np.maximum((high - low) * scale / 2, 1.0)
    return np.concatenate([centre - half, centre + half], axis=1).astype(np.float32)


def human36m_videos(root, subjects):
    """Pairs up the video files and pose files of `subjects`.

    Returns:
        `(video paths, poses)` lists; poses float32 `(T, 32, 2)`.

    Raises:
        ValueError: a subject folder is missing or no video has poses.
    """
    root = Path(root)
    paths, poses = [], []
    for subject in subjects:
        video_dir = root / subject / "Videos"
        pose_dir = root / subject / "MyPoseFeatures" / "D2_Positions"
        if not video_dir.is_dir() or not pose_dir.is_dir():
            raise ValueError(
                f"Expected {video_dir} and {pose_dir} (official Human3.6M layout)."
            )
        videos = sorted(video_dir.glob("*.mp4"))
        unmatched = []
        for video in videos:
            # Stems contain dots ("Walking.54138969"): append, never with_suffix.
            cdf = pose_dir / f"{video.stem}.cdf"
            if not (cdf.is_file() or cdf.with_suffix(".npy").is_file()):
                unmatched.append(video.name)
                continue
            paths.append(str(video))
            poses.append(read_h36m_poses(cdf))
        report_mismatch(f"videos of {subject} (no pose file)", unmatched, pose_dir)
    if not paths:
        raise ValueError(f"No Human3.6M video with a pose file under {root}.")
    return paths, poses


def human36m_pairs(
    root,
    split="train",
    image_size=128,
    with_landmarks=False,
    subjects=None,
    min_gap=MIN_GAP,
    max_gap=MAX_GAP,
    scale=LOOSE_CROP_SCALE,
    fit=CROP_FIT,
    **kwargs,
):
    """Frame pairs from the Human3.6M videos of the paper's split.

    Both frames are cropped as the reference does (module docstring): the
    union of their `joint_boxes`, grown to a square, resized.

    Args:
        root: str or path-like, see the module docstring for the layout.
        split: "train" (S1, S5-S9) or "test" (S11).
        image_size: int or `(height, width)`, default 128.
        with_landmarks: bool, default False. Add "source_landmarks" and
            "target_landmarks" (32 joints, pixels of the returned images).
        subjects: optional list of subject folders (e.g. `["S1", "S5"]`) to
            use instead of the split's.
        min_gap: int, default 3 (paper).
        max_gap: int, default 30 (paper).
        scale: float, default `LOOSE_CROP_SCALE`: each frame's box over its
            joints' extent (`joint_boxes`).
        fit: `"pad"` (default, the reference: the union grown to the output's
            aspect), `"crop"` (shrunk to it) or None (stretched).
        **kwargs: passed to `frame_pairs` (seed, flip, swap, num_pairs,
            shuffle_videos, num_parallel_calls).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"} dicts.
    """
    if split not in ("train", "test"):
        raise ValueError(f"`split` must be 'train' or 'test'. Received: {split!r}")
    if subjects is None:
        subjects = TRAIN_SUBJECTS if split == "train" else TEST_SUBJECTS
    paths, poses = human36m_videos(root, subjects)
    source = VideoFiles(
        paths,
        boxes=[joint_boxes(p, scale) for p in poses],
        landmarks=poses if with_landmarks else None,
    )
    return frame_pairs(
        source,
        image_size,
        min_gap=min_gap,
        max_gap=max_gap,
        fit=fit,
        **kwargs,
    )
