"""Listing, probing and decoding video files with PyAV.

Why PyAV (`av`): it is the maintained Python binding of FFmpeg, so it reads
every container and codec FFmpeg reads (mp4, avi, mkv, webm, ...), and its
wheels bundle FFmpeg, so nothing has to be installed on the system. Decoding
runs in Python, outside the TensorFlow graph.
"""

import av
import numpy as np

from keras_landmarks.data.files.file_listing import list_files

VIDEO_EXTENSIONS = (".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg")
# Below this frame index decoding from the start is cheaper than seeking
# (our choice: a typical keyframe interval is 12-250 frames).
_SEEK_AFTER_FRAMES = 60


def probe_video(path):
    """Frame count, height and width of a video file.

    Uses the container's frame count when it has one and decodes the stream
    to count frames otherwise.

    Args:
        path: str or path-like.

    Returns:
        `(num_frames, height, width)` ints.

    Raises:
        av.FFmpegError (or OSError): the file cannot be opened or decoded.
    """
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise ValueError(f"{path} has no video stream.")
        stream = container.streams.video[0]
        num_frames = int(stream.frames or 0)
        height, width = stream.codec_context.height, stream.codec_context.width
        if num_frames <= 0:
            num_frames = sum(1 for _ in container.decode(stream))
    return num_frames, height, width


def _frame_index(frame, stream, start):
    seconds = float((frame.pts - start) * stream.time_base)
    return int(round(seconds * float(stream.average_rate)))


def read_video_frames(path, indices):
    """Decodes the frames at `indices` (0-based) of a video file.

    Seeks to the keyframe before the first wanted frame when that is far from
    the start, then decodes forward; frame numbers come from the presentation
    timestamps at the stream's average frame rate.

    Args:
        path: str or path-like.
        indices: sequence of ints.

    Returns:
        uint8 numpy array `(len(indices), H, W, 3)`, RGB.

    Raises:
        ValueError: a wanted frame is past the end of the stream.
        av.FFmpegError: the file is corrupt.
    """
    wanted = sorted(set(int(i) for i in indices))
    found = {}
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        start = stream.start_time or 0
        timed = stream.average_rate is not None and stream.time_base is not None
        if timed and wanted[0] >= _SEEK_AFTER_FRAMES:
            seconds = wanted[0] / float(stream.average_rate)
            container.seek(
                start + int(seconds / stream.time_base), stream=stream, backward=True
            )
        counter = None
        for frame in container.decode(stream):
            if timed and frame.pts is not None:
                index = _frame_index(frame, stream, start)
            else:
                counter = 0 if counter is None else counter + 1
                index = counter
            if index in wanted and index not in found:
                found[index] = frame.to_ndarray(format="rgb24")
            if index >= wanted[-1]:
                break
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValueError(f"Frames {missing} not found in {path}.")
    return np.stack([found[int(i)] for i in indices])


def list_video_files(folder, recursive=True):
    """Sorted video files (by extension) under `folder`.

    Raises:
        ValueError: the folder does not exist or holds no video files.
    """
    return list_files(folder, VIDEO_EXTENSIONS, "video", recursive)
