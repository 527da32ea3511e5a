"""Source/target pairs from two frames of the same video.

IMM-NOTES, "Video pairs": two frames of one video a random gap apart (the
paper uses a gap uniform in [3, 30] frames on Human3.6M); both are cropped to
the union of their boxes, resized, flipped together (p 0.5) and swapped
(p 0.5). Three sources share this: in-memory arrays
(`frame_pairs_from_arrays`), folders of frame images
(`frame_pairs_from_folders`) and video files (`frame_pairs_from_video_files`
in `video_frame_pairs.py`). Randomness is stateless, keyed by `(seed, pair index)`.
"""

import os
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_landmarks.data.files.bad_files import map_skipping_errors
from keras_landmarks.data.files.bad_files import report_bad_file
from keras_landmarks.data.files.file_listing import find_files
from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.files.image_files import decode_image
from keras_landmarks.data.files.image_files import keep_readable
from keras_landmarks.data.ops.image_geometry import crop_and_resize
from keras_landmarks.data.ops.image_geometry import flip_left_right
from keras_landmarks.data.ops.image_geometry import full_image_box
from keras_landmarks.data.ops.image_geometry import image_size_pair
from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.random_seeds import split_seed

# Paper, Human3.6M: the two frames are 3 to 30 frames apart.
MIN_GAP = 3
MAX_GAP = 30
# `num_pairs` of a training stream: more pairs than any run takes (pairs are
# drawn lazily, so the size costs nothing).
ENDLESS = np.iinfo(np.int64).max


def check_gaps(min_gap, max_gap):
    """Raises `ValueError` unless `0 < min_gap <= max_gap` are ints."""
    for name, value in (("min_gap", min_gap), ("max_gap", max_gap)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise ValueError(f"`{name}` must be an int. Received: {name}={value!r}")
    if not 0 < min_gap <= max_gap:
        raise ValueError(
            "Gaps must satisfy 0 < min_gap <= max_gap. "
            f"Received: min_gap={min_gap}, max_gap={max_gap}"
        )


def check_pair_arguments(seed, min_gap, max_gap, image_size, required_for=None):
    """Checks the arguments every frame-pair source takes.

    Args:
        seed, min_gap, max_gap: see `frame_pairs_from_arrays`.
        image_size: None, int or `(height, width)`.
        required_for: optional str naming where the frames come from (e.g.
            `"files"`) when their size is not static: then `image_size` must
            be given.

    Returns:
        `image_size` as `(height, width)`, or None.
    """
    check_seed(seed)
    check_gaps(min_gap, max_gap)
    size = image_size_pair(image_size)
    if size is None and required_for is not None:
        raise ValueError(
            f"`image_size` is required for frames read from {required_for}."
        )
    return size


def sample_frame_pair(num_frames, seed, min_gap=MIN_GAP, max_gap=MAX_GAP):
    """Picks two frame indices `gap` apart, gap uniform in [min_gap, max_gap].

    The gap is capped at `num_frames - 1`; the first frame is uniform over the
    positions that leave room for the gap.

    Args:
        num_frames: int scalar tensor, frames in the video (> min_gap).
        seed: `(2,)` int tensor, a stateless seed.
        min_gap: int, default 3.
        max_gap: int, default 30.

    Returns:
        `(first, second)` int64 scalar tensors with `second - first = gap`.
    """
    num_frames = tf.cast(num_frames, tf.int64)
    gap_seed, start_seed = split_seed(seed, 2)
    high = tf.minimum(tf.constant(max_gap, tf.int64), num_frames - 1)
    gap = tf.random.stateless_uniform(
        (), gap_seed, minval=min_gap, maxval=high + 1, dtype=tf.int64
    )
    first = tf.random.stateless_uniform(
        (), start_seed, minval=0, maxval=num_frames - gap, dtype=tf.int64
    )
    return first, first + gap


def plan_frame_pair(index, seed, lengths, min_gap=MIN_GAP, max_gap=MAX_GAP):
    """Which video and frames pair `index` uses, and the seed of its flip and swap.

    The rule every frame-pair source shares: pair `i` comes from video
    `i % num_videos`; its frames (`sample_frame_pair`) and its flip and swap
    are drawn from the stateless seed `(seed, i)`.

    Args:
        index: int64 scalar tensor, the pair's number.
        seed: int.
        lengths: int64 `(num_videos,)` tensor, frames per video.
        min_gap, max_gap: ints, see `sample_frame_pair`.

    Returns:
        `(video, frame_indices, pair_seed)`: int64 scalar, int64 `(2,)` and
        the `(2,)` seed to pass to `make_frame_pair`.
    """
    pair_seed, frames_seed = split_seed(element_seed(seed, index), 2)
    video = index % tf.size(lengths, out_type=tf.int64)
    first, second = sample_frame_pair(
        tf.gather(lengths, video), frames_seed, min_gap, max_gap
    )
    return video, tf.stack([first, second]), pair_seed


def per_frame_table(per_video, dtype=None):
    """Per-video arrays `(T_v, ...)` stacked into one lookup table.

    Args:
        per_video: list of arrays (one per video, first axis the frames), or
            None.
        dtype: optional numpy dtype of the rows.

    Returns:
        `(offsets, rows)` tensors for `frame_rows`, or None for None.
    """
    if per_video is None:
        return None
    offsets = np.concatenate([[0], np.cumsum([len(a) for a in per_video])[:-1]])
    rows = np.concatenate([np.asarray(a, dtype) for a in per_video])
    return tf.constant(offsets, tf.int64), tf.constant(rows)


def frame_rows(table, video, frame_indices):
    """The rows of frames `frame_indices` of `video` in a `per_frame_table`.

    Returns None when `table` is None.
    """
    if table is None:
        return None
    offsets, rows = table
    return tf.gather(rows, tf.gather(offsets, video) + frame_indices)


def make_frame_pair(
    first,
    second,
    seed,
    image_size=None,
    boxes=None,
    landmarks=None,
    flip=True,
    swap=True,
):
    """Makes one {"source", "target", "mask"} pair from two frames.

    Args:
        first: float tensor `(H, W, 3)`, the earlier frame, RGB in [0, 255].
        second: float tensor `(H, W, 3)`, the later frame.
        seed: `(2,)` int tensor, a stateless seed.
        image_size: optional `(height, width)`; default the frame size.
        boxes: optional float tensor `(2, 4)`, per-frame `(x0, y0, x1, y1)`
            boxes in pixel-centre coordinates; both frames are cropped to the
            union of the two.
        landmarks: optional float tensor `(2, P, 2)`, per-frame pixel (x, y).
        flip: bool, default True. Mirror both frames with probability 0.5.
        swap: bool, default True. Swap source and target with probability 0.5.

    Returns:
        dict with "source", "target" float32 `(height, width, 3)`, "mask"
        float32 ones `(height, width, 1)`, and with `landmarks` also
        "source_landmarks", "target_landmarks" float32 `(P, 2)` in pixels of
        the returned images.
    """
    first = tf.cast(first, tf.float32)
    second = tf.cast(second, tf.float32)
    if image_size is None:
        if first.shape[0] is None or first.shape[1] is None:
            raise ValueError(
                f"Pass `image_size`: the frame size is not static ({first.shape})."
            )
        image_size = (first.shape[0], first.shape[1])
    if boxes is None:
        box = full_image_box(first)
    else:
        boxes = tf.cast(boxes, tf.float32)
        box = tf.concat(
            [tf.reduce_min(boxes[:, :2], 0), tf.reduce_max(boxes[:, 2:], 0)], 0
        )
    points = (None, None) if landmarks is None else (landmarks[0], landmarks[1])
    source, source_points = crop_and_resize(first, box, image_size, points[0])
    target, target_points = crop_and_resize(second, box, image_size, points[1])
    flip_seed, swap_seed = split_seed(seed, 2)
    if flip:
        do_flip = tf.random.stateless_uniform((), flip_seed) < 0.5
        flipped_source, flipped_source_points = flip_left_right(source, source_points)
        flipped_target, flipped_target_points = flip_left_right(target, target_points)
        source = tf.where(do_flip, flipped_source, source)
        target = tf.where(do_flip, flipped_target, target)
        if landmarks is not None:
            source_points = tf.where(do_flip, flipped_source_points, source_points)
            target_points = tf.where(do_flip, flipped_target_points, target_points)
    if swap:
        do_swap = tf.random.stateless_uniform((), swap_seed) < 0.5
        source, target = (
            tf.where(do_swap, target, source),
            tf.where(do_swap, source, target),
        )
        if landmarks is not None:
            source_points, target_points = (
                tf.where(do_swap, target_points, source_points),
                tf.where(do_swap, source_points, target_points),
            )
    pair = {
        "source": source,
        "target": target,
        "mask": tf.ones((image_size[0], image_size[1], 1), tf.float32),
    }
    if landmarks is not None:
        pair["source_landmarks"] = source_points
        pair["target_landmarks"] = target_points
    return pair


def frame_pairs_from_arrays(
    frames,
    landmarks=None,
    boxes=None,
    seed=0,
    min_gap=MIN_GAP,
    max_gap=MAX_GAP,
    image_size=None,
    flip=True,
    swap=True,
    num_pairs=None,
    num_parallel_calls=tf.data.AUTOTUNE,
):
    """Frame pairs from videos held in memory.

    Pair `i` comes from video `i % num_videos` with the seed `(seed, i)`.

    Args:
        frames: array `(num_videos, T, H, W, 3)`, RGB in [0, 255] (any dtype).
        landmarks: optional array `(num_videos, T, P, 2)`, pixel (x, y); when
            given, the pairs carry "source_landmarks" and "target_landmarks".
        boxes: optional array `(num_videos, T, 4)` of `(x0, y0, x1, y1)`
            pixel-centre boxes; both frames are cropped to their union.
        seed: int, default 0.
        min_gap: int, default 3. Smallest frame gap (paper: 3).
        max_gap: int, default 30. Largest frame gap (paper: 30).
        image_size: optional int or `(height, width)`; default `(H, W)`.
        flip: bool, default True. Random horizontal flip of both frames.
        swap: bool, default True. Random source/target swap.
        num_pairs: optional int; default `num_videos` (one pair per video).
        num_parallel_calls: int, default `tf.data.AUTOTUNE`.

    Returns:
        `tf.data.Dataset` of pair dicts (see `make_frame_pair`).

    Example:

    >>> frames = np.zeros((2, 40, 32, 32, 3), np.uint8)
    >>> pairs = frame_pairs_from_arrays(frames, seed=0)
    >>> sorted(next(iter(pairs)))
    ['mask', 'source', 'target']
    """
    size = check_pair_arguments(seed, min_gap, max_gap, image_size)
    frames = np.asarray(frames)
    if frames.ndim != 5 or frames.shape[-1] != 3:
        raise ValueError(
            "`frames` must have shape (num_videos, T, H, W, 3). "
            f"Received: shape={frames.shape}"
        )
    num_videos, length = frames.shape[:2]
    if length <= min_gap:
        raise ValueError(
            f"Videos need more than min_gap={min_gap} frames. Received: T={length}"
        )
    for name, value, tail in (
        ("landmarks", landmarks, (2,)),
        ("boxes", boxes, (4,)),
    ):
        if value is not None:
            value = np.asarray(value)
            if value.shape[:2] != (num_videos, length) or value.shape[-1:] != tail:
                raise ValueError(
                    f"`{name}` must have shape (num_videos, T, ..., "
                    f"{tail[0]}) matching frames {frames.shape[:2]}. "
                    f"Received: {name}.shape={value.shape}"
                )
    size = size or tuple(frames.shape[2:4])
    num_pairs = num_videos if num_pairs is None else int(num_pairs)
    columns = {"frames": frames}
    if landmarks is not None:
        columns["landmarks"] = np.asarray(landmarks, np.float32)
    if boxes is not None:
        columns["boxes"] = np.asarray(boxes, np.float32)
    videos = tf.data.Dataset.from_tensor_slices(columns).repeat()
    indices = tf.data.Dataset.range(num_pairs)
    lengths = tf.fill([num_videos], tf.constant(length, tf.int64))

    def to_pair(index, video):
        # `zip` with the repeated videos already picks video `index % num_videos`.
        _, chosen, pair_seed = plan_frame_pair(index, seed, lengths, min_gap, max_gap)
        return make_frame_pair(
            tf.gather(video["frames"], chosen[0]),
            tf.gather(video["frames"], chosen[1]),
            pair_seed,
            size,
            tf.gather(video["boxes"], chosen) if "boxes" in video else None,
            tf.gather(video["landmarks"], chosen) if "landmarks" in video else None,
            flip,
            swap,
        )

    return tf.data.Dataset.zip(indices, videos).map(
        to_pair, num_parallel_calls=num_parallel_calls, deterministic=True
    )


def frame_pairs_from_frame_files(
    videos,
    image_size,
    boxes=None,
    landmarks=None,
    seed=0,
    min_gap=MIN_GAP,
    max_gap=MAX_GAP,
    flip=True,
    swap=True,
    num_pairs=None,
    validate=True,
    num_parallel_calls=tf.data.AUTOTUNE,
):
    """Frame pairs from videos stored as lists of frame image files.

    Frames that fail `check_image_file` are dropped from their video (logged
    and counted); videos left with `min_gap` frames or fewer are skipped.
    Pair `i` comes from video `i % num_videos` with the seed `(seed, i)`.

    Args:
        videos: list of lists of frame paths, each in temporal order.
        image_size: int or `(height, width)`.
        boxes: optional list (one per video) of `(T, 4)` arrays of
            `(x0, y0, x1, y1)` pixel-centre boxes.
        landmarks: optional list of `(T, P, 2)` arrays, pixel (x, y); the
            pairs then carry "source_landmarks" and "target_landmarks".
        seed, min_gap, max_gap, flip, swap, num_pairs, num_parallel_calls: as
            in `frame_pairs_from_arrays`.
        validate: bool, default True. Check every frame file first.

    Returns:
        `tf.data.Dataset` of pair dicts (see `make_frame_pair`).
    """
    size = check_pair_arguments(seed, min_gap, max_gap, image_size, "files")
    paths, box_rows, point_rows, lengths = [], [], [], []
    for v, frame_paths in enumerate(videos):
        keep = keep_readable(frame_paths) if validate else np.arange(len(frame_paths))
        if keep.size <= min_gap:
            report_bad_file(
                os.path.dirname(frame_paths[0]) if len(frame_paths) else "(no frames)",
                f"a video with {keep.size} readable frames (need > {min_gap})",
            )
            continue
        paths.append(np.asarray(frame_paths, dtype=object)[keep].astype(str))
        if boxes is not None:
            box_rows.append(np.asarray(boxes[v], np.float32)[keep])
        if landmarks is not None:
            point_rows.append(np.asarray(landmarks[v], np.float32)[keep])
        lengths.append(keep.size)
    if not lengths:
        raise ValueError(
            f"No video has more than min_gap={min_gap} readable frames "
            f"({len(videos)} videos given)."
        )
    num_pairs = len(lengths) if num_pairs is None else int(num_pairs)
    lengths = tf.constant(lengths, tf.int64)
    path_table = per_frame_table(paths)
    box_table = per_frame_table(box_rows or None)
    point_table = per_frame_table(point_rows or None)

    def to_pair(index):
        video, chosen, pair_seed = plan_frame_pair(
            index, seed, lengths, min_gap, max_gap
        )
        frame_paths = frame_rows(path_table, video, chosen)
        return make_frame_pair(
            decode_image(frame_paths[0]),
            decode_image(frame_paths[1]),
            pair_seed,
            size,
            frame_rows(box_table, video, chosen),
            frame_rows(point_table, video, chosen),
            flip,
            swap,
        )

    return map_skipping_errors(
        tf.data.Dataset.range(num_pairs), to_pair, num_parallel_calls
    )


def frame_pairs_from_folders(root, image_size, **kwargs):
    """Frame pairs from a folder holding one subfolder of frames per video.

    Expected layout: `root/<video>/<frame>.{jpg,png,...}`, frames sorted by file
    name (zero-pad the numbers). Subfolders without images are ignored.

    Args:
        root: str or path-like.
        image_size: int or `(height, width)`.
        **kwargs: passed to `frame_pairs_from_frame_files` (seed, min_gap,
            max_gap, flip, swap, num_pairs, validate, num_parallel_calls).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"} dicts.

    Raises:
        ValueError: `root` is missing or has no subfolder with frame images.
    """
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"Expected a folder of video folders at {root}; not found.")
    videos = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        frames = find_files(folder, IMAGE_EXTENSIONS)
        if frames:
            videos.append(frames)
    if not videos:
        raise ValueError(
            f"Expected subfolders of frame images (root/<video>/<frame>.jpg) in "
            f"{root}; found none."
        )
    return frame_pairs_from_frame_files(videos, image_size, **kwargs)
