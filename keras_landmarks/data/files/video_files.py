"""Listing, probing and decoding video files with PyAV.

Why PyAV (`av`): it is the maintained Python binding of FFmpeg, so it reads
every container and codec FFmpeg reads (mp4, avi, mkv, webm, ...), and its
wheels bundle FFmpeg, so nothing has to be installed on the system. Decoding
runs in Python, outside the TensorFlow graph.
"""

import logging

import av
import numpy as np

from keras_landmarks.data.files.file_listing import list_files

logger = logging.getLogger("keras_landmarks.data")

VIDEO_EXTENSIONS = (".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg")
# Below this frame index decoding from the start is cheaper than seeking
# (our choice: a typical keyframe interval is 12-250 frames).
_SEEK_AFTER_FRAMES = 60


def probe_video(path):
    """Frame count, height and width of a video file: the frames it really holds.

    A container's header may promise more frames than the file holds: a copy
    or a download cut short keeps the header (with `faststart`, at the front)
    and loses the frame data. So the packets of the video stream are read
    (demuxed, not decoded: cheap) and the frames are counted up to the first
    missing or corrupt packet. When that is fewer than the header says (but
    not 0), the difference is logged once.

    Args:
        path: str or path-like.

    Returns:
        `(num_frames, height, width)` ints; `num_frames` may be 0.

    Raises:
        ValueError: the file has no video stream.
        av.FFmpegError (or OSError): the file cannot be opened.
    """
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise ValueError(f"{path} has no video stream.")
        stream = container.streams.video[0]
        promised = int(stream.frames or 0)
        height, width = stream.codec_context.height, stream.codec_context.width
        num_frames = 0
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue  # the flush packet at the end
                if packet.is_corrupt:
                    break
                num_frames += 1
        except av.FFmpegError as error:
            logger.warning(
                "%s: packets unreadable after frame %d: %s", path, num_frames, error
            )
    if promised > num_frames > 0:  # none: the caller skips the file
        logger.warning(
            "%s: the header promises %d frames, %d are in the file (cut short?); "
            "using %d.",
            path,
            promised,
            num_frames,
            num_frames,
        )
    return num_frames, height, width


class NoFramesError(ValueError):
    """A video file opens but not one of its frames decodes."""


class VideoFrameStream:
    """The frames of a video file, decoded one at a time as they are asked for.

    Memory stays constant whatever the length of the video: iterating yields
    one uint8 `(H, W, 3)` RGB frame at a time, and nothing keeps the frames
    already yielded. Decoding stops at the first corrupt packet or decoder
    error (a file cut short), so no concealed or half-drawn frame is yielded;
    `note` then says why. Iterate once; close it (or use `with`).

    Args:
        path: str or path-like.
        max_frames: optional int >= 1, default None (all frames). Stop after
            this many frames.

    Attributes:
        fps: the stream's average frame rate (a `fractions.Fraction`), or
            None when the container does not say.
        height, width: ints, the frame size.
        promised: int, the frame count in the header (0 when unknown).
        num_frames: int, frames yielded so far.
        note: None, or a str saying why decoding stopped early.

    Raises:
        ValueError: `max_frames` < 1, or the file has no video stream.
        av.FFmpegError (or OSError): the file cannot be opened.
        NoFramesError: (while iterating) no frame decodes.

    Example:

    >>> with VideoFrameStream("clip.mp4") as frames:
    ...     for frame in frames:
    ...         print(frame.shape)
    """

    def __init__(self, path, max_frames=None):
        if max_frames is not None and max_frames < 1:
            raise ValueError(
                f"`max_frames` must be None or >= 1. Received: max_frames={max_frames}"
            )
        self.path = str(path)
        self.max_frames = max_frames
        self.num_frames, self.note = 0, None
        self._container = av.open(self.path)
        if not self._container.streams.video:
            self._container.close()
            raise ValueError(f"{path} has no video stream.")
        self._stream = self._container.streams.video[0]
        self.fps = self._stream.average_rate
        self.height = self._stream.codec_context.height
        self.width = self._stream.codec_context.width
        self.promised = int(self._stream.frames or 0)

    def __iter__(self):
        try:
            for packet in self._container.demux(self._stream):
                if packet.is_corrupt:
                    self.note = f"corrupt data after frame {self.num_frames}"
                    break
                for frame in packet.decode():
                    if (
                        self.max_frames is not None
                        and self.num_frames >= self.max_frames
                    ):
                        return
                    self.num_frames += 1
                    yield frame.to_ndarray(format="rgb24")
        except av.FFmpegError as error:
            self.note = f"decoding failed after frame {self.num_frames}: {error}"
        if self.num_frames == 0:
            raise NoFramesError(
                f"no frame decodes (the header promises {self.promised})"
                + (f"; {self.note}" if self.note else "")
            )
        if self.note:
            self.note = f"{self.note}; using the {self.num_frames} frames that decode"

    def close(self):
        self._container.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def decode_leading_frames(path, max_frames):
    """The first frames of a video that decode, up to `max_frames`, in memory.

    See `VideoFrameStream` (which decodes them one at a time) for where
    decoding stops.

    Args:
        path: str or path-like.
        max_frames: int, how many frames at most.

    Returns:
        `(frames, note)`: uint8 `(T, H, W, 3)` RGB with `T >= 1`, and None or
        a str saying why decoding stopped before `max_frames` and the end.

    Raises:
        ValueError: no video stream, or no frame decodes (`NoFramesError`).
        av.FFmpegError: the file cannot be opened.
    """
    with VideoFrameStream(path, max_frames) as stream:
        frames = list(stream)
    return np.stack(frames), stream.note


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
        ValueError: a wanted frame is past the end of the stream or does not
            decode (a corrupt or cut file).
        av.FFmpegError: the file cannot be opened.
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
        counter, failure = None, ""
        try:
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
        except av.FFmpegError as error:
            failure = f" (decoding stopped: {error})"
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValueError(f"Frames {missing} not found in {path}{failure}.")
    return np.stack([found[int(i)] for i in indices])


def list_video_files(folder, recursive=True):
    """Sorted video files (by extension) under `folder`.

    Raises:
        ValueError: the folder does not exist or holds no video files.
    """
    return list_files(folder, VIDEO_EXTENSIONS, "video", recursive)
