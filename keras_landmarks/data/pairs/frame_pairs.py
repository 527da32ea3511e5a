"""Source/target pairs from two frames of the same video, from any frame source.

IMM-NOTES, "Video pairs": two frames of one video a random gap apart (the
paper uses a gap uniform in [3, 30] frames on Human3.6M); both are cropped to
the union of their boxes, resized, flipped together (p 0.5) and swapped
(p 0.5). `frame_pairs` does this for every frame source: videos held in
memory (`FrameArrays`), lists or folders of frame images (`FrameFiles`,
`frame_folders`) and video files (`VideoFiles`). Randomness is stateless,
keyed by `(seed, pair index)`.
"""

import numpy as np
import tensorflow as tf

from keras_landmarks.data.files.bad_files import report_bad_file
from keras_landmarks.data.ops.framing import framing_box
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


def check_pair_arguments(seed, min_gap, max_gap, image_size, frame_size=None):
    """Checks the arguments of `frame_pairs`.

    Args:
        seed, min_gap, max_gap: see `frame_pairs`.
        image_size: None, int or `(height, width)`.
        frame_size: the source's static `(height, width)`, or None when its
            frames differ in size (files): then `image_size` must be given.

    Returns:
        The output size as `(height, width)`.
    """
    check_seed(seed)
    check_gaps(min_gap, max_gap)
    size = image_size_pair(image_size) or frame_size
    if size is None:
        raise ValueError(
            "`image_size` is required: the frames of this source differ in size. "
            "Received: image_size=None"
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


def plan_frame_pair(
    index, seed, lengths, min_gap=MIN_GAP, max_gap=MAX_GAP, shuffle_videos=False
):
    """Which video and frames pair `index` uses, and the seed of its flip and swap.

    The rule every frame-pair source shares: pair `i` comes from video
    `i % num_videos` (or, with `shuffle_videos`, from position `i % num_videos`
    of a random order of the videos drawn anew for every round of
    `num_videos` pairs, so each video still gives one pair per round); its
    frames (`sample_frame_pair`) and its flip and swap are drawn from the
    stateless seed `(seed, i)`.

    Args:
        index: int64 scalar tensor, the pair's number.
        seed: int.
        lengths: int64 `(num_videos,)` tensor, frames per video.
        min_gap, max_gap: ints, see `sample_frame_pair`.
        shuffle_videos: bool, default False.

    Returns:
        `(video, frame_indices, pair_seed)`: int64 scalar, int64 `(2,)` and
        the `(2,)` seed to pass to `make_frame_pair`.
    """
    pair_seed, frames_seed = split_seed(element_seed(seed, index), 2)
    num_videos = tf.size(lengths, out_type=tf.int64)
    video = index % num_videos
    if shuffle_videos:
        # One random order per round; the third of a 3-way split leaves the
        # pair and frame seeds (2-way) as they are without the shuffle.
        order_seed = split_seed(element_seed(seed, index // num_videos), 3)[2]
        order = tf.argsort(tf.random.stateless_uniform((num_videos,), order_seed))
        video = tf.gather(tf.cast(order, tf.int64), video)
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
    fit=None,
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
        fit: None (default: the box is stretched to `image_size`), `"crop"`
            or `"pad"`: keep the aspect ratio (`framing_box`).

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
    if fit is not None:
        box = framing_box(box, image_size, fit)
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


def frame_pairs(
    source,
    image_size=None,
    seed=0,
    min_gap=MIN_GAP,
    max_gap=MAX_GAP,
    flip=True,
    swap=True,
    num_pairs=None,
    shuffle_videos=False,
    fit=None,
    num_parallel_calls=tf.data.AUTOTUNE,
):
    """Frame pairs from any frame source.

    Videos with `min_gap` frames or fewer are skipped, logged and counted
    (`bad_files`). Pair `i` comes from video `i % num_videos` (in a random
    order per round with `shuffle_videos`) with the seed `(seed, i)`; see
    `plan_frame_pair`.

    Args:
        source: a frame source: `FrameArrays`, `FrameFiles` (`frame_folders`)
            or `VideoFiles`.
        image_size: optional int or `(height, width)`; default the frame size
            of a source whose frames share one (`FrameArrays`).
        seed: int, default 0.
        min_gap: int, default 3. Smallest frame gap (paper: 3).
        max_gap: int, default 30. Largest frame gap (paper: 30).
        flip: bool, default True. Random horizontal flip of both frames.
        swap: bool, default True. Random source/target swap.
        num_pairs: optional int; default the number of videos (one pair per
            video). `ENDLESS` for a training stream (pairs are drawn lazily).
        shuffle_videos: bool, default False. Visit the videos in a random
            order per round, so a batch mixes videos from all over the list
            instead of neighbours.
        fit: None (default, the box is stretched), `"crop"` or `"pad"`:
            keep the aspect ratio (see `make_frame_pair`).
        num_parallel_calls: int, default `tf.data.AUTOTUNE`.

    Returns:
        `tf.data.Dataset` of pair dicts (see `make_frame_pair`).

    Raises:
        ValueError: bad arguments, or no video has more than `min_gap` frames.

    Example:

    >>> frames = np.zeros((2, 40, 32, 32, 3), np.uint8)
    >>> pairs = frame_pairs(FrameArrays(frames), seed=0)
    >>> sorted(next(iter(pairs)))
    ['mask', 'source', 'target']
    """
    size = check_pair_arguments(seed, min_gap, max_gap, image_size, source.frame_size)
    kept = []
    for video, length in enumerate(source.lengths):
        if length > min_gap:
            kept.append(video)
        else:
            report_bad_file(
                source.names[video], f"{length} usable frames <= min_gap={min_gap}"
            )
    if not kept:
        raise ValueError(
            f"No readable video has more than min_gap={min_gap} frames "
            f"({len(source.lengths)} videos given, first: "
            f"{source.names[0] if source.names else None})."
        )
    num_pairs = len(kept) if num_pairs is None else int(num_pairs)
    lengths = tf.constant([source.lengths[v] for v in kept], tf.int64)
    videos = tf.constant(kept, tf.int64)

    def plan(index):
        video, frame_indices, pair_seed = plan_frame_pair(
            index, seed, lengths, min_gap, max_gap, shuffle_videos
        )
        return {
            "index": index,
            "video": tf.gather(videos, video),
            "frames": frame_indices,
            "pair_seed": pair_seed,
        }

    box_table = per_frame_table(source.boxes, "float32")
    point_table = per_frame_table(source.landmarks, "float32")

    def to_pair(element):
        video, frame_indices = element["video"], element["frames"]
        return make_frame_pair(
            element["first"],
            element["second"],
            element["pair_seed"],
            size,
            frame_rows(box_table, video, frame_indices),
            frame_rows(point_table, video, frame_indices),
            flip,
            swap,
            fit,
        )

    return source.read(plan, num_pairs, num_parallel_calls).map(
        to_pair, num_parallel_calls=num_parallel_calls, deterministic=True
    )
