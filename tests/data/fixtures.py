"""Tiny on-disk fixtures shared by the data tests: images, videos, landmarks."""

from pathlib import Path

import av
import numpy as np
from PIL import Image


def blob_image(height, width, points, sigma=3.0):
    """uint8 RGB image with a Gaussian blob at points[k] in channel k (k < 3)."""
    ys, xs = np.mgrid[:height, :width]
    image = np.zeros((height, width, 3))
    for channel, (x, y) in enumerate(points[:3]):
        image[..., channel] = np.exp(-((xs - x) ** 2 + (ys - y) ** 2) / (2 * sigma**2))
    return (image * 255).round().astype(np.uint8)


def centroids(image, count=3):
    """(count, 2) intensity-weighted centres (x, y) of channels 0..count-1."""
    image = np.asarray(image, np.float64)
    ys, xs = np.mgrid[: image.shape[0], : image.shape[1]]
    out = []
    for channel in range(count):
        weights = np.clip(image[..., channel] - 40.0, 0, None)  # ignore JPEG noise
        out.append([(xs * weights).sum(), (ys * weights).sum()] / weights.sum())
    return np.asarray(out)


def write_image(path, array, quality=98):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.fromarray(np.asarray(array, np.uint8))
    if path.suffix.lower() in (".jpg", ".jpeg"):
        image.save(path, quality=quality)
    else:
        image.save(path)
    return str(path)


def write_truncated_jpeg(path):
    good = Path(write_image(path, np.full((16, 16, 3), 128, np.uint8)))
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 2])
    return str(good)


def write_video(path, frames, fps=25, faststart=False):
    """Writes uint8 (T, H, W, 3) frames as a lossless-luma H.264 mp4.

    `faststart` puts the index (with the frame count) at the front.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = np.asarray(frames, np.uint8)
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", options=options) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "0", "g": "10"}
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, "rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return str(path)


def counter_frames(num_frames, height=24, width=32, step=4):
    """Grey frames whose brightness encodes their index: value = step * t."""
    values = (np.arange(num_frames) * step).astype(np.uint8)
    return np.broadcast_to(
        values[:, None, None, None], (num_frames, height, width, 3)
    ).copy()


def write_corrupt_jpeg(path):
    """A JPEG that passes `check_image_file` but fails to decode (0 x 0 frame)."""
    good = Path(write_image(path, np.full((16, 16, 3), 128, np.uint8)))
    data = good.read_bytes()
    start = data.find(b"\xff\xc0")  # start-of-frame header: zero the size
    good.write_bytes(
        data[:start] + b"\xff\xc0\x00\x11\x08" + bytes(4) + data[start + 9 :]
    )
    return str(good)


def write_cut_video(path, frames, keep=0.0, fps=25):
    """A cut copy of an mp4 of `frames` whose header promises all of them.

    The mp4 is written with `faststart` (the index, with the frame count,
    at the front) and cut `keep` of the way into the frame data: 0 leaves the
    header only, 0.5 half the frames' bytes, as a copy or a download stopped
    half way leaves it.
    """
    path = Path(write_video(path, frames, fps, faststart=True))
    data = path.read_bytes()
    start = data.index(b"mdat") + 4
    path.write_bytes(data[: start + int(keep * (len(data) - start))])
    return str(path)


def write_audio_only_mp4(path):
    """An mp4 with one AAC audio stream and no video stream."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=8000)
        stream.layout = "mono"
        for i in range(4):
            frame = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts = 8000, i * 1024
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return str(path)
