"""Writing frames to an MP4 file (H.264 through PyAV), one frame at a time."""

import fractions
import os

import av
import numpy as np

# Frames per second when the caller does not know the source's rate.
DEFAULT_FPS = 25
# x264's constant-rate factor: 0 is lossless, 23 its default; 18 is visually
# lossless for overlays with thin coloured markers.
DEFAULT_CRF = 18


class VideoWriter:
    """An H.264 MP4 written frame by frame; constant memory for any length.

    The file is created at the first frame, whose size fixes the video's.
    H.264 in `yuv420p` (the pixel format every player reads) needs an even
    width and height, so a frame with an odd side gets one black row or
    column at the bottom or right. The file is complete only once `close()`
    has run (a `with` block closes it on an error too).

    Args:
        path: str or path-like, the `.mp4` file (its folder is created).
        fps: frames per second (int, float or `fractions.Fraction`), default
            `DEFAULT_FPS`.
        crf: int in [0, 51], default `DEFAULT_CRF`; lower is better quality.
        keyframe_interval: optional int >= 1, the most frames from one
            keyframe to the next (x264's `g`; default x264's, 250). Short
            intervals make seeking cheap, as training on frame pairs does
            (`read_video_frames`); 1 makes every frame a keyframe.

    Example:

    >>> with VideoWriter("overlay.mp4", fps=30) as video:
    ...     for frame in frames:
    ...         video.write(frame)
    """

    def __init__(self, path, fps=DEFAULT_FPS, crf=DEFAULT_CRF, keyframe_interval=None):
        if fps is None or not float(fps) > 0:
            raise ValueError(f"`fps` must be > 0. Received: fps={fps!r}")
        if not 0 <= int(crf) <= 51:
            raise ValueError(f"`crf` must be in [0, 51]. Received: crf={crf!r}")
        if keyframe_interval is not None and int(keyframe_interval) < 1:
            raise ValueError(
                "`keyframe_interval` must be None or >= 1. "
                f"Received: keyframe_interval={keyframe_interval!r}"
            )
        self.keyframe_interval = keyframe_interval
        self.path = os.fspath(path)
        self.fps = fractions.Fraction(fps).limit_denominator(1001)
        self.crf = int(crf)
        self.num_frames = 0
        self._container = self._stream = None
        self._closed = False

    def write(self, frame):
        """Appends one uint8 `(H, W, 3)` RGB frame (the first fixes the size)."""
        frame = np.asarray(frame)
        if frame.ndim != 3 or frame.shape[-1] != 3 or frame.dtype != np.uint8:
            raise ValueError(
                "A frame must be uint8 (height, width, 3). Received: "
                f"{frame.dtype} {frame.shape}"
            )
        if self._closed:
            raise ValueError(f"{self.path} is closed: no frame can be added.")
        height, width = frame.shape[0], frame.shape[1]
        if self._stream is None:
            parent = os.path.dirname(self.path)
            if parent:
                os.makedirs(parent, exist_ok=True)
            self._container = av.open(self.path, "w")
            self._stream = self._container.add_stream("libx264", rate=self.fps)
            self._stream.height = height + height % 2
            self._stream.width = width + width % 2
            self._stream.pix_fmt = "yuv420p"
            options = {"crf": str(self.crf)}
            if self.keyframe_interval is not None:
                options["g"] = str(int(self.keyframe_interval))
            self._stream.options = options
            self._size = (height, width)
        if (height, width) != self._size:
            raise ValueError(
                f"Every frame must have the first frame's size {self._size}. "
                f"Received: {(height, width)}"
            )
        if height % 2 or width % 2:
            frame = np.pad(frame, ((0, height % 2), (0, width % 2), (0, 0)))
        picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), "rgb24")
        for packet in self._stream.encode(picture):
            self._container.mux(packet)
        self.num_frames += 1

    def close(self):
        """Flushes the encoder and finishes the file (idempotent)."""
        self._closed = True
        if self._container is None:
            return
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
        finally:
            self._container.close()
            self._container = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
