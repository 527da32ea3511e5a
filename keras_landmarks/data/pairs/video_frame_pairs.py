"""Frame pairs decoded from video files with PyAV.

Decoding runs in Python, outside the TensorFlow graph: a generator decodes the
two frames of each pair (`read_video_frames`) and the crop, resize, flip and
swap run as TF ops (`make_frame_pair`).
"""

import logging
import threading

import numpy as np
import tensorflow as tf

from keras_landmarks.data.files.bad_files import report_bad_file
from keras_landmarks.data.files.video_files import probe_video
from keras_landmarks.data.files.video_files import read_video_frames
from keras_landmarks.data.pairs.frame_pairs import MAX_GAP
from keras_landmarks.data.pairs.frame_pairs import MIN_GAP
from keras_landmarks.data.pairs.frame_pairs import check_pair_arguments
from keras_landmarks.data.pairs.frame_pairs import frame_rows
from keras_landmarks.data.pairs.frame_pairs import make_frame_pair
from keras_landmarks.data.pairs.frame_pairs import per_frame_table
from keras_landmarks.data.pairs.frame_pairs import plan_frame_pair
from keras_landmarks.integers import is_integer

logger = logging.getLogger("keras_landmarks.data")

# Pair plans are drawn in chunks of this many pairs.
PLAN_BATCH = 256
# Pairs of a video that may fail to decode before the video is left out for
# the rest of the run (our choice: one bad spot can fail a few pairs; a file
# failing again and again would fill the logs and starve training).
MAX_DECODE_FAILURES = 3


def frame_pairs_from_video_files(
    paths,
    image_size,
    boxes=None,
    landmarks=None,
    seed=0,
    min_gap=MIN_GAP,
    max_gap=MAX_GAP,
    flip=True,
    swap=True,
    num_pairs=None,
    num_parallel_reads=2,
    num_parallel_calls=tf.data.AUTOTUNE,
):
    """Frame pairs decoded from video files.

    Every file is probed when the dataset is built (`probe_video`: the frames
    it really holds, not the header's promise); files PyAV cannot open, with
    no decodable frame or too short are skipped, logged and counted (see
    `bad_files`). A pair whose frames fail to decode later is skipped and
    counted; a file is logged once, and after `MAX_DECODE_FAILURES` failed
    pairs it is left out for the rest of the run. When every file is left
    out, iterating raises (a `tf.errors` error carrying the ValueError's
    message) instead of skipping forever. When a video's boxes or landmarks cover
    fewer (or more) frames than the file has, the disagreement is logged and
    only the frames both cover are used. Pair `i` comes from video `i % num_videos`
    with the seed `(seed, i)`; the frame indices are drawn with the same
    stateless sampler as the other frame-pair sources.

    Args:
        paths: list of video file paths.
        image_size: int or `(height, width)`.
        boxes: optional list (one per video) of `(T, 4)` arrays of
            `(x0, y0, x1, y1)` pixel-centre boxes per frame.
        landmarks: optional list of `(T, P, 2)` arrays, pixel (x, y); the pairs
            then carry "source_landmarks" and "target_landmarks".
        seed, min_gap, max_gap, flip, swap, num_pairs, num_parallel_calls: as
            in `frame_pairs_from_arrays`.
        num_parallel_reads: int, default 2. Python threads decoding videos
            (FFmpeg releases the GIL while it decodes).

    Returns:
        `tf.data.Dataset` of pair dicts (see `make_frame_pair`).

    Example:

    >>> pairs = frame_pairs_from_video_files(["a.mp4", "b.mp4"], 128, seed=0)
    """
    size = check_pair_arguments(seed, min_gap, max_gap, image_size, "videos")
    if not is_integer(num_parallel_reads) or num_parallel_reads < 1:
        raise ValueError(
            "`num_parallel_reads` must be a positive int. "
            f"Received: num_parallel_reads={num_parallel_reads!r}"
        )
    kept, lengths = [], []
    for v, path in enumerate(paths):
        try:
            num_frames, _, _ = probe_video(path)
        except Exception as error:  # noqa: BLE001 - any decoder failure skips it
            report_bad_file(path, f"cannot open video: {error}")
            continue
        if num_frames == 0:
            report_bad_file(path, "no decodable frame (a header without data?)")
            continue
        annotated = [len(a[v]) for a in (boxes, landmarks) if a is not None]
        if annotated and min(annotated) != num_frames:
            # Annotations must cover the frames that pairs may use.
            logger.warning(
                "%s has %d frames but annotations for %d; using the first %d.",
                path,
                num_frames,
                min(annotated),
                min(num_frames, *annotated),
            )
            num_frames = min(num_frames, *annotated)
        if num_frames <= min_gap:
            report_bad_file(path, f"{num_frames} frames <= min_gap={min_gap}")
            continue
        kept.append(v)
        lengths.append(num_frames)
    if not kept:
        raise ValueError(
            f"No readable video with more than min_gap={min_gap} frames among "
            f"{len(paths)} files (first: {paths[0] if paths else None})."
        )
    num_pairs = len(kept) if num_pairs is None else int(num_pairs)
    lengths = tf.constant(lengths, tf.int64)

    def choose(index):
        video, frame_indices, _ = plan_frame_pair(
            index, seed, lengths, min_gap, max_gap
        )
        return tf.concat([tf.stack([index, video]), frame_indices], 0)

    def decode_pairs(shard):
        # Frame indices come from the TF sampler, lazily, so `num_pairs` may
        # be huge; this shard decodes pairs shard, shard + n, shard + 2n, ...
        plan = (
            tf.data.Dataset.range(shard, num_pairs, num_parallel_reads)
            .map(choose)
            .batch(PLAN_BATCH)
        )
        for rows in plan.as_numpy_iterator():
            for index, video, first, second in rows:
                if failures[video] >= MAX_DECODE_FAILURES:
                    _check_some_file_is_left()  # every shard stops, not only one
                    continue  # left out: logged and counted once
                path = paths[kept[video]]
                try:
                    frames = read_video_frames(path, (first, second))
                except Exception as error:  # noqa: BLE001 - skip, never crash
                    _count_failure(video, path, f"frames {first}, {second}: {error}")
                    continue
                yield index, video, np.asarray([first, second]), frames

    failures = [0] * len(kept)
    lock = threading.Lock()

    def _count_failure(video, path, reason):
        # One log line per file (its first failure); each failed pair is
        # counted until the file is left out, so the record stays bounded.
        with lock:
            failures[video] += 1
            count = failures[video]
            report_bad_file(
                path,
                f"{reason}; its pairs that fail are counted, not logged; after "
                f"{MAX_DECODE_FAILURES} failures the file is left out",
                log=count == 1,
            )
            last_failure[0] = f"{path}: {reason}"
        _check_some_file_is_left()

    last_failure = [""]

    def _check_some_file_is_left():
        # Otherwise an endless dataset would skip pairs forever.
        if all(n >= MAX_DECODE_FAILURES for n in failures):
            raise ValueError(
                f"Every video failed to decode {MAX_DECODE_FAILURES} times "
                f"(last: {last_failure[0]}); no pair can be made."
            )

    signature = (
        tf.TensorSpec((), tf.int64),
        tf.TensorSpec((), tf.int64),
        tf.TensorSpec((2,), tf.int64),
        tf.TensorSpec((2, None, None, 3), tf.uint8),
    )
    # Round-robin over the shards restores the pair order: deterministic.
    decoded = tf.data.Dataset.range(num_parallel_reads).interleave(
        lambda shard: tf.data.Dataset.from_generator(
            decode_pairs, args=(shard,), output_signature=signature
        ),
        cycle_length=num_parallel_reads,
        block_length=1,
        num_parallel_calls=num_parallel_reads,
        deterministic=True,
    )
    box_table, point_table = (
        None if a is None else per_frame_table([a[v] for v in kept], "float32")
        for a in (boxes, landmarks)
    )

    def to_pair(index, video, frame_indices, frames):
        _, _, pair_seed = plan_frame_pair(index, seed, lengths, min_gap, max_gap)
        return make_frame_pair(
            frames[0],
            frames[1],
            pair_seed,
            size,
            frame_rows(box_table, video, frame_indices),
            frame_rows(point_table, video, frame_indices),
            flip,
            swap,
        )

    return decoded.map(
        to_pair, num_parallel_calls=num_parallel_calls, deterministic=True
    )
