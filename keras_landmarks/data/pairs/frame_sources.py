"""Frame sources for `frame_pairs`: videos held in memory or stored as frame files.

A frame source is what `frame_pairs` needs to know about a set of videos:
`names` and `lengths` (usable frames per video), optional per-frame `boxes`
and `landmarks`, the `frame_size` when all frames share one, and
`read(plan, num_pairs, num_parallel_calls)`, which turns the pair plans
(`plan(index)` gives a dict with "video" and "frames", the two frame indices)
into the same dicts with the two frames added as "first" and "second",
in pair order. `VideoFiles` (`video_frame_source.py`) decodes video files.
"""

import os
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_landmarks.data.files.bad_files import map_skipping_errors
from keras_landmarks.data.files.file_listing import find_files
from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.files.image_files import decode_image
from keras_landmarks.data.files.image_files import keep_readable


def check_annotations(name, values, num_videos, tail):
    """Per-video `(T_v, ..., *tail)` arrays as float32, or None.

    Raises:
        ValueError: not one array per video, or a wrong last axis.
    """
    if values is None:
        return None
    if len(values) != num_videos:
        raise ValueError(
            f"`{name}` must have one array per video ({num_videos}). "
            f"Received: {len(values)}"
        )
    arrays = [np.asarray(a, np.float32) for a in values]
    for video, array in enumerate(arrays):
        if array.ndim < 2 or array.shape[-1:] != tail:
            raise ValueError(
                f"`{name}` of video {video} must have shape (T, ..., {tail[0]}). "
                f"Received: {name}.shape={array.shape}"
            )
    return arrays


class FrameArrays:
    """Videos held in memory as one array.

    Args:
        frames: array `(num_videos, T, H, W, 3)`, RGB in [0, 255] (any dtype).
        landmarks: optional array `(num_videos, T, P, 2)`, pixel (x, y); the
            pairs then carry "source_landmarks" and "target_landmarks".
        boxes: optional array `(num_videos, T, 4)` of `(x0, y0, x1, y1)`
            pixel-centre boxes; both frames of a pair are cropped to their
            union.

    Example:

    >>> pairs = frame_pairs(FrameArrays(np.zeros((2, 40, 32, 32, 3))), seed=0)
    """

    def __init__(self, frames, landmarks=None, boxes=None):
        frames = np.asarray(frames)
        if frames.ndim != 5 or frames.shape[-1] != 3:
            raise ValueError(
                "`frames` must have shape (num_videos, T, H, W, 3). "
                f"Received: shape={frames.shape}"
            )
        num_videos, length = frames.shape[:2]
        for name, value, tail in (
            ("landmarks", landmarks, (2,)),
            ("boxes", boxes, (4,)),
        ):
            if value is not None:
                shape = np.shape(value)
                if shape[:2] != (num_videos, length) or shape[-1:] != tail:
                    raise ValueError(
                        f"`{name}` must have shape (num_videos, T, ..., "
                        f"{tail[0]}) matching frames {frames.shape[:2]}. "
                        f"Received: {name}.shape={shape}"
                    )
        self.frames = frames
        self.names = [f"video {v} of the array" for v in range(num_videos)]
        self.lengths = [length] * num_videos
        self.frame_size = tuple(frames.shape[2:4])
        self.landmarks = None if landmarks is None else list(landmarks)
        self.boxes = None if boxes is None else list(boxes)

    def read(self, plan, num_pairs, num_parallel_calls=tf.data.AUTOTUNE):
        frames = tf.constant(self.frames)

        def add_frames(element):
            video = tf.fill([2], element["video"])
            chosen = tf.gather_nd(frames, tf.stack([video, element["frames"]], -1))
            return {**element, "first": chosen[0], "second": chosen[1]}

        return (
            tf.data.Dataset.range(num_pairs)
            .map(plan)
            .map(add_frames, num_parallel_calls=num_parallel_calls, deterministic=True)
        )


class FrameFiles:
    """Videos stored as lists of frame image files.

    Frames that fail `check_image_file` are dropped from their video (logged
    and counted) when `validate`; a frame that still fails to decode drops
    its pair (counted, `map_skipping_errors`).

    Args:
        videos: list of lists of frame paths, each in temporal order.
        boxes: optional list (one per video) of `(T, 4)` arrays of
            `(x0, y0, x1, y1)` pixel-centre boxes.
        landmarks: optional list of `(T, P, 2)` arrays, pixel (x, y).
        validate: bool, default True. Check every frame file first.
    """

    frame_size = None  # frames are decoded one by one, of any size

    def __init__(self, videos, boxes=None, landmarks=None, validate=True):
        boxes = check_annotations("boxes", boxes, len(videos), (4,))
        landmarks = check_annotations("landmarks", landmarks, len(videos), (2,))
        self.names, self.lengths, self.paths = [], [], []
        self.boxes = None if boxes is None else []
        self.landmarks = None if landmarks is None else []
        for v, frame_paths in enumerate(videos):
            keep = (
                keep_readable(frame_paths) if validate else np.arange(len(frame_paths))
            )
            self.names.append(
                os.path.dirname(frame_paths[0]) if len(frame_paths) else "(no frames)"
            )
            self.lengths.append(int(keep.size))
            self.paths.append(np.asarray(frame_paths, dtype=object)[keep].astype(str))
            for kept, given in ((self.boxes, boxes), (self.landmarks, landmarks)):
                if given is not None:
                    kept.append(given[v][keep])

    def read(self, plan, num_pairs, num_parallel_calls=tf.data.AUTOTUNE):
        offsets = np.concatenate([[0], np.cumsum(self.lengths)[:-1]])
        offsets = tf.constant(offsets, tf.int64)
        paths = tf.constant(np.concatenate([*self.paths, np.zeros(0, str)]))

        def add_frames(element):
            rows = tf.gather(offsets, element["video"]) + element["frames"]
            frame_paths = tf.gather(paths, rows)
            return {
                **element,
                "first": decode_image(frame_paths[0]),
                "second": decode_image(frame_paths[1]),
            }

        return map_skipping_errors(
            tf.data.Dataset.range(num_pairs).map(plan), add_frames, num_parallel_calls
        )


def frame_folders(root, **kwargs):
    """`FrameFiles` of a folder holding one subfolder of frames per video.

    Expected layout: `root/<video>/<frame>.{jpg,png,...}`, frames sorted by file
    name (zero-pad the numbers). Subfolders without images are ignored.

    Args:
        root: str or path-like.
        **kwargs: passed to `FrameFiles` (validate).

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
    return FrameFiles(videos, **kwargs)
