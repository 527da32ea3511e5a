"""BBC-Pose: sign-language interpreters, 7 upper-body joints.

Where to get it (the code never downloads): https://www.robots.ox.ac.uk/~vgg/data/pose/
(BBC Pose, Charles et al. 2013; request access). Expected layout, as the
release unpacks::

    root/bbcpose.mat            (or root/code/bbcpose.mat)
    root/<video number>/<frame number>.jpg     video numbers 1..20

`bbcpose.mat` holds a struct array `bbcpose` (one entry per video, videos
1..20 in order) with fields `videoName`, `type` ("train", "val" or "test"),
`source`, `train_frames` (1, N) and `train_joints` (2, 7, N), and for the
val/test videos the manual ground truth `test_frames` and `test_joints`.
Joint coordinates are 1-based MATLAB pixels; this reader returns 0-based
pixel centres. Joints: head, right wrist, left wrist, right elbow, left
elbow, right shoulder, left shoulder.

`box="signer"` crops every frame of a video to the same square around the
signer: centred on the video's annotated joints (one box per video, for the
test videos from their manual annotations, never per frame), one side for the whole
release (`signer_crop_side`), so a pixel of the model's frame is
`signer_crop_side / (image_size - 1)` original pixels everywhere and the
protocol's 6 px (measured in the original frames) is one distance in the
model's frames (`original_distance_in_crop`).
"""

from pathlib import Path

import numpy as np
import scipy.io

from keras_landmarks.data.datasets.annotation_files import find_file
from keras_landmarks.data.datasets.annotation_files import report_mismatch
from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.datasets.labelled_splits import labelled_arrays
from keras_landmarks.data.datasets.labelled_splits import labelled_stream
from keras_landmarks.data.files.file_listing import find_files
from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.files.image_files import image_dataset
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_sources import FrameFiles

JOINTS = (
    "head",
    "right_wrist",
    "left_wrist",
    "right_elbow",
    "left_elbow",
    "right_shoulder",
    "left_shoulder",
)
SPLITS = ("train", "val", "test")
# The protocol (Charles et al. 2013; paper section 4.3): a joint counts as
# correct when it lies within 6 pixels of the annotation in the original frame.
WITHIN_DISTANCE = 6.0
# Our crop around the signer: the joints' extent enlarged by this factor (the
# head and the hands reach beyond the joints; the paper crops around the signer
# without giving a size).
SIGNER_CROP_MARGIN = 1.6


def read_bbc_pose_annotations(root):
    """Parses `bbcpose.mat`.

    Returns:
        list (one per video, video number = position + 1) of dicts with
        "type" (str) and "frames" (int array (N,)), "joints" (float32
        (N, 7, 2) 0-based pixel (x, y)): the manual test annotations for
        val/test videos, the training annotations for train videos.
    """
    path = find_file(root, ["bbcpose.mat", "code/bbcpose.mat"], "bbcpose.mat")
    mat = scipy.io.loadmat(str(path))
    if "bbcpose" not in mat:
        raise ValueError(f"{path} has no 'bbcpose' struct array.")
    videos = []
    for entry in np.asarray(mat["bbcpose"]).ravel():
        names = entry.dtype.names or ()
        kind = str(np.asarray(entry["type"]).ravel()[0])
        prefix = "train" if kind == "train" else "test"
        if f"{prefix}_frames" not in names or f"{prefix}_joints" not in names:
            raise ValueError(
                f"{path}: a '{kind}' video needs fields {prefix}_frames and "
                f"{prefix}_joints. Found: {names}"
            )
        frames = np.asarray(entry[f"{prefix}_frames"]).ravel().astype(np.int64)
        joints = np.asarray(entry[f"{prefix}_joints"], np.float32)
        if joints.size == 0:
            joints = np.zeros((2, len(JOINTS), 0), np.float32)
        if joints.shape[:2] != (2, len(JOINTS)) or joints.shape[2] != len(frames):
            raise ValueError(
                f"{path}: {prefix}_joints must be (2, 7, {len(frames)}). "
                f"Received: {joints.shape}"
            )
        joints = np.transpose(joints, (2, 1, 0)) - 1.0  # 1-based -> 0-based
        videos.append({"type": kind, "frames": frames, "joints": joints})
    return videos


def signer_crop_side(videos, margin=SIGNER_CROP_MARGIN):
    """The side in original pixels of the square signer crop, one for the release.

    `margin` times the largest extent (width or height) of any video's
    annotated joints (`read_bbc_pose_annotations`).

    Raises:
        ValueError: no video has annotated joints, or `margin` is not positive.
    """
    if not margin > 0:
        raise ValueError(f"`margin` must be positive. Received: margin={margin!r}")
    extents = [
        float(np.max(v["joints"].max(axis=(0, 1)) - v["joints"].min(axis=(0, 1))))
        for v in videos
        if len(v["joints"])
    ]
    if not extents:
        raise ValueError("No BBC-Pose video has annotated joints to crop around.")
    return margin * max(extents)


def signer_box(video, side):
    """`(x0, y0, x1, y1)` pixel-centre square of `side` around a video's joints."""
    joints = video["joints"].reshape(-1, 2)
    centre = (joints.min(axis=0) + joints.max(axis=0)) / 2
    return np.float32([*(centre - side / 2), *(centre + side / 2)])


def original_distance_in_crop(distance, side, image_size):
    """`distance` original pixels in the model's frame of a `side`-px crop."""
    return distance * (image_size - 1) / side


def _video_boxes(videos, box, margin=SIGNER_CROP_MARGIN):
    """One `(x0, y0, x1, y1)` or None per video for `box` (None, 4 numbers
    or "signer")."""
    if box is None:
        return [None] * len(videos)
    if isinstance(box, str):
        if box != "signer":
            raise ValueError(
                "`box` must be None, (x0, y0, x1, y1) or 'signer'. "
                f"Received: box={box!r}"
            )
        side = signer_crop_side(videos, margin)
        return [signer_box(v, side) if len(v["joints"]) else None for v in videos]
    return [np.float32(box)] * len(videos)


def bbc_pose(root, split="test", image_size=128, box=None, validate=True):
    """Annotated BBC-Pose frames as {"image", "landmarks"} (7 joints).

    Args:
        root: str or path-like, see the module docstring for the layout.
        split: "train", "val" or "test": the videos whose `type` is `split`.
        image_size: int or `(height, width)`, default 128.
        box: optional `(x0, y0, x1, y1)` pixel-centre crop applied to every
            frame before resizing, or `"signer"`: each video's square around
            its signer (module docstring); whole frame if None.
        validate: bool, default True. Check every file when building the index.

    Returns:
        `tf.data.Dataset` of {"image": float32 `(h, w, 3)`, "landmarks":
        float32 `(7, 2)` pixel (x, y) of the returned image}.
    """
    if split not in SPLITS:
        raise ValueError(f"`split` must be one of {SPLITS}. Received: split={split!r}")
    root = Path(root)
    videos = read_bbc_pose_annotations(root)
    video_boxes = _video_boxes(videos, box)
    paths, joints, boxes = [], [], []
    for number, video in enumerate(videos, start=1):
        if video["type"] != split:
            continue
        folder = root / str(number)
        files = [folder / f"{frame}.jpg" for frame in video["frames"]]
        present = [i for i, f in enumerate(files) if f.is_file()]
        report_mismatch(
            f"annotated frames of video {number} (no file in {folder})",
            [str(files[i]) for i in sorted(set(range(len(files))) - set(present))],
            folder,
        )
        paths.extend(str(files[i]) for i in present)
        joints.extend(video["joints"][present])
        boxes.extend([video_boxes[number - 1]] * len(present))
    if not paths:
        raise ValueError(
            f"No annotated {split} frame found as {root}/<video>/<frame>.jpg."
        )
    boxes = None if box is None else np.stack(boxes)
    return image_dataset(
        paths, image_size, landmarks=np.stack(joints), boxes=boxes, validate=validate
    )


def bbc_pose_pairs(
    root, split="train", image_size=128, box=None, validate=True, **kwargs
):
    """Frame pairs from every frame on disk of the BBC-Pose videos of `split`.

    Args:
        root: str or path-like, see the module docstring for the layout.
        split: "train", "val" or "test".
        image_size: int or `(height, width)`, default 128.
        box: optional `(x0, y0, x1, y1)` crop applied to every frame, or
            `"signer"` (each video's square around its signer, see `bbc_pose`).
        validate: bool, default True. Check every frame file first.
        **kwargs: passed to `frame_pairs` (seed, min_gap, max_gap, flip,
            swap, num_pairs, shuffle_videos, ...).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"} dicts.
    """
    if split not in SPLITS:
        raise ValueError(f"`split` must be one of {SPLITS}. Received: split={split!r}")
    root = Path(root)
    annotations = read_bbc_pose_annotations(root)
    video_boxes = _video_boxes(annotations, box)
    videos, boxes = [], []
    for number, video in enumerate(annotations, start=1):
        folder = root / str(number)
        if video["type"] != split or not folder.is_dir():
            continue
        frames = find_files(folder, IMAGE_EXTENSIONS)
        frames.sort(key=lambda p: (len(Path(p).stem), Path(p).stem))  # numeric order
        if frames and (box is None or video_boxes[number - 1] is not None):
            videos.append(frames)
            boxes.append(video_boxes[number - 1])
    if not videos:
        raise ValueError(f"No {split} video folder with frames under {root}.")
    if box is None:
        boxes = None
    else:
        boxes = [
            np.tile(np.float32(b), (len(v), 1))
            for v, b in zip(videos, boxes, strict=True)
        ]
    source = FrameFiles(videos, boxes=boxes, validate=validate)
    return frame_pairs(source, image_size, **kwargs)


def bbc_pose_splits(
    root,
    image_size=128,
    num_regression=None,
    num_test=None,
    box="signer",
    distance=WITHIN_DISTANCE,
):
    """The paper's BBC-Pose evaluation as `LabelledSplits`.

    The regressor is fitted on train frames, streamed (`labelled_stream`: only
    the joints are held, the frames are decoded a batch at a time when used,
    so memory does not grow with their number), and tested on test frames;
    both are cropped to `box` and scored as % of joints within `distance`
    pixels of the ORIGINAL frame, converted into the model's frame.

    Args:
        root: the BBC-Pose folder (module docstring).
        image_size: int, default 128.
        num_regression, num_test: optional ints, the first frames of each
            split only (default: all).
        box: `"signer"` (default, the paper's crop around the signer,
            `signer_crop_side`), a square `(x0, y0, x1, y1)`, or None (whole
            frames resized: `distance` is then in the model's frame).
        distance: float, default `WITHIN_DISTANCE` (6 original pixels).

    Returns:
        `LabelledSplits` named "bbc_pose", metric "within_distance".
    """
    if box is None:
        model_distance = distance
    else:
        if isinstance(box, str):
            side = signer_crop_side(read_bbc_pose_annotations(root))
        else:
            side = box[2] - box[0]
        model_distance = original_distance_in_crop(distance, side, image_size)
    regression = labelled_stream(
        bbc_pose(root, "train", image_size, box=box), num_regression
    )
    test = labelled_arrays(bbc_pose(root, "test", image_size, box=box), num_test)
    return LabelledSplits(
        *regression,
        *test,
        metric="within_distance",
        distance=model_distance,
        landmark_names=JOINTS,
        name="bbc_pose",
    )
