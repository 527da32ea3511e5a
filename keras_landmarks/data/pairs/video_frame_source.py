"""Video files as a frame source for `frame_pairs`, decoded with PyAV.

Decoding runs in Python, outside the TensorFlow graph: generators decode the
two frames of each pair (`read_video_frames`) in `num_parallel_reads` threads,
and the crop, resize, flip and swap run as TF ops (`make_frame_pair`).
"""

import logging
import threading

import tensorflow as tf

from keras_landmarks.data.files.bad_files import report_bad_file
from keras_landmarks.data.files.video_files import probe_video
from keras_landmarks.data.files.video_files import read_video_frames
from keras_landmarks.data.pairs.frame_sources import check_annotations
from keras_landmarks.integers import is_integer

logger = logging.getLogger("keras_landmarks.data")

# Pair plans are drawn in chunks of this many pairs.
PLAN_BATCH = 256
# Pairs of a video that may fail to decode before the video is left out for
# the rest of the run (our choice: one bad spot can fail a few pairs; a file
# failing again and again would fill the logs and starve training).
MAX_DECODE_FAILURES = 3


class VideoFiles:
    """Video files as a frame source (see `frame_pairs`).

    Every file is probed here (`probe_video`: the frames it really holds, not
    the header's promise); files PyAV cannot open or with no decodable frame
    are skipped, logged and counted (see `bad_files`). A pair whose frames
    fail to decode later is skipped and counted; a file is logged once, and
    after `MAX_DECODE_FAILURES` failed pairs it is left out for the rest of
    the run. When every file is left out, iterating raises (a `tf.errors`
    error carrying the ValueError's message) instead of skipping forever.
    When a video's boxes or landmarks cover fewer (or more) frames than the
    file has, the disagreement is logged and only the frames both cover are
    used.

    Args:
        paths: list of video file paths.
        boxes: optional list (one per video) of `(T, 4)` arrays of
            `(x0, y0, x1, y1)` pixel-centre boxes per frame.
        landmarks: optional list of `(T, P, 2)` arrays, pixel (x, y); the pairs
            then carry "source_landmarks" and "target_landmarks".
        num_parallel_reads: int, default 2. Python threads decoding videos
            (FFmpeg releases the GIL while it decodes).

    Example:

    >>> pairs = frame_pairs(VideoFiles(["a.mp4", "b.mp4"]), 128, seed=0)
    """

    frame_size = None  # files may differ in size

    def __init__(self, paths, boxes=None, landmarks=None, num_parallel_reads=2):
        if not is_integer(num_parallel_reads) or num_parallel_reads < 1:
            raise ValueError(
                "`num_parallel_reads` must be a positive int. "
                f"Received: num_parallel_reads={num_parallel_reads!r}"
            )
        self.num_parallel_reads = int(num_parallel_reads)
        boxes = check_annotations("boxes", boxes, len(paths), (4,))
        landmarks = check_annotations("landmarks", landmarks, len(paths), (2,))
        self.paths, self.names, self.lengths = [], [], []
        self.boxes = None if boxes is None else []
        self.landmarks = None if landmarks is None else []
        for v, path in enumerate(paths):
            try:
                num_frames, _, _ = probe_video(path)
            except Exception as error:  # noqa: BLE001 - any decoder failure skips it
                report_bad_file(path, f"cannot open video: {error}")
                continue
            if num_frames == 0:
                report_bad_file(path, "no decodable frame (a header without data?)")
                continue
            covered = [len(a[v]) for a in (boxes, landmarks) if a is not None]
            if covered and min(covered) != num_frames:
                # Annotations must cover the frames that pairs may use.
                logger.warning(
                    "%s has %d frames but annotations for %d; using the first %d.",
                    path,
                    num_frames,
                    min(covered),
                    min(num_frames, *covered),
                )
                num_frames = min(num_frames, *covered)
            self.paths.append(path)
            self.names.append(str(path))
            self.lengths.append(num_frames)
            for kept, given in ((self.boxes, boxes), (self.landmarks, landmarks)):
                if given is not None:
                    kept.append(given[v])
        if not self.paths:
            raise ValueError(
                f"No readable video among {len(paths)} files "
                f"(first: {paths[0] if len(paths) else None})."
            )

    def read(self, plan, num_pairs, num_parallel_calls=tf.data.AUTOTUNE):
        """The plans with their two frames, decoded in `num_parallel_reads`
        threads; `num_parallel_calls` is unused (decoding is the Python part)."""
        del num_parallel_calls
        shards = self.num_parallel_reads
        failures = [0] * len(self.paths)
        last_failure = [""]
        lock = threading.Lock()

        def check_some_file_is_left():
            # Otherwise an endless dataset would skip pairs forever.
            if all(n >= MAX_DECODE_FAILURES for n in failures):
                raise ValueError(
                    f"Every video failed to decode {MAX_DECODE_FAILURES} times "
                    f"(last: {last_failure[0]}); no pair can be made."
                )

        def count_failure(video, path, reason):
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
            check_some_file_is_left()

        def decode_pairs(shard):
            # The plans come from the TF sampler, lazily, so `num_pairs` may
            # be huge; this shard decodes pairs shard, shard + n, shard + 2n, ...
            plans = (
                tf.data.Dataset.range(shard, num_pairs, shards)
                .map(plan)
                .batch(PLAN_BATCH)
            )
            for rows in plans.as_numpy_iterator():
                for index, video, chosen, pair_seed in zip(
                    rows["index"],
                    rows["video"],
                    rows["frames"],
                    rows["pair_seed"],
                    strict=True,
                ):
                    if failures[video] >= MAX_DECODE_FAILURES:
                        check_some_file_is_left()  # every shard stops, not only one
                        continue  # left out: logged and counted once
                    path = self.paths[video]
                    try:
                        frames = read_video_frames(path, tuple(chosen))
                    except Exception as error:  # noqa: BLE001 - skip, never crash
                        count_failure(
                            video, path, f"frames {chosen[0]}, {chosen[1]}: {error}"
                        )
                        continue
                    yield index, video, chosen, pair_seed, frames

        signature = (
            tf.TensorSpec((), tf.int64),
            tf.TensorSpec((), tf.int64),
            tf.TensorSpec((2,), tf.int64),
            tf.TensorSpec((2,), tf.int64),
            tf.TensorSpec((2, None, None, 3), tf.uint8),
        )
        # Round-robin over the shards restores the pair order: deterministic.
        decoded = tf.data.Dataset.range(shards).interleave(
            lambda shard: tf.data.Dataset.from_generator(
                decode_pairs, args=(shard,), output_signature=signature
            ),
            cycle_length=shards,
            block_length=1,
            num_parallel_calls=shards,
            deterministic=True,
        )
        return decoded.map(
            lambda index, video, chosen, pair_seed, frames: {
                "index": index,
                "video": video,
                "frames": chosen,
                "pair_seed": pair_seed,
                "first": frames[0],
                "second": frames[1],
            }
        )
