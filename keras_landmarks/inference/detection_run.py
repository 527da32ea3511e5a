"""Keypoints of images, folders and videos, written to an output folder.

What `keras-landmarks detect` does. Images are read with `read_image_file`
(the training pipeline's decoder) and get a PNG overlay each; videos are
streamed through `track_video` (constant memory) and get a track file with a
row per frame and keypoint, an overlay MP4 and a tracks picture. An input
that cannot be read is skipped, reported through `log` and listed with its
reason in the records (`DetectionRecords`), which are rewritten atomically as
the run goes.
"""

import collections
import os
import sys

from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.files.image_files import read_image_file
from keras_landmarks.data.files.video_files import VIDEO_EXTENSIONS
from keras_landmarks.data.files.video_files import NoFramesError
from keras_landmarks.data.files.video_files import VideoFrameStream
from keras_landmarks.data.ops.framing import DEFAULT_FIT
from keras_landmarks.inference.detection_records import DetectionRecords
from keras_landmarks.inference.input_files import collect_inputs
from keras_landmarks.inference.model_input import resize_for_model
from keras_landmarks.inference.model_input import to_frame_pixels
from keras_landmarks.inference.video_tracking import DEFAULT_BATCH_SIZE
from keras_landmarks.inference.video_tracking import track_video
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.drawing import save_png

# Track file suffix per records format (JSON Lines: one object per row, so
# the file stays valid while it grows).
TRACK_SUFFIXES = {"json": ".jsonl", "csv": ".csv"}

# What every input of one run is detected with (`run_detection`'s arguments).
_Settings = collections.namedtuple(
    "_Settings", "fmt pictures max_frames smoother batch_size log fit"
)

DetectionSummary = collections.namedtuple(
    "DetectionSummary",
    ["records", "num_inputs", "num_skipped", "num_images", "num_video_frames"],
)
DetectionSummary.__doc__ = """What `run_detection` did.

Fields:
    records: str, the records file (`DetectionRecords`).
    num_inputs: int, inputs read (images and videos).
    num_skipped: int, inputs that could not be read.
    num_images: int, image detections.
    num_video_frames: int, video frames tracked, over all videos.
"""


def _stderr(message):
    print(message, file=sys.stderr)


def video_outputs(out, name, fmt):
    """Paths of one video's track file, overlay MP4 and tracks picture.

    Named after the input's relative path, suffix kept (OUT/clip.mp4.keypoints.csv,
    OUT/clip.mp4.overlay.mp4, OUT/clip.mp4.tracks.png), so they are unique
    per input.
    """
    base = os.path.join(out, name)
    return (
        f"{base}.keypoints{TRACK_SUFFIXES[fmt]}",
        f"{base}.overlay.mp4",
        f"{base}.tracks.png",
    )


def run_detection(
    detector,
    inputs,
    out,
    fmt="json",
    pictures=True,
    max_frames=None,
    smoother=None,
    batch_size=DEFAULT_BATCH_SIZE,
    log=_stderr,
    fit=DEFAULT_FIT,
):
    """Keypoints of every input, written under `out`.

    Args:
        detector: has `image_size`, `num_keypoints`, `predict_keypoints`.
        inputs: sequence of image files, video files and folders.
        out: str, the output folder (must exist).
        fmt: "json" (default) or "csv": the records, and the videos' track
            files (`.jsonl` or `.csv`).
        pictures: bool, default True. PNG overlays of images; overlay MP4 and
            tracks picture of videos.
        max_frames: optional int, frames per video at most (default: all).
        smoother: optional `TemporalSmoother` for video tracks.
        batch_size: int, video frames per detector call.
        log: callable taking one line, for skipped inputs and notes (default:
            stderr).
        fit: how each image and frame is framed for the detector, as training
            frames them: `"crop"` (default, its centre at the model's aspect
            ratio), `"pad"` or None (stretched whole); keypoints are written in
            the input's own pixels either way (`resize_for_model`).

    Returns:
        `DetectionSummary`.

    Raises:
        ValueError: nothing to read in `inputs`, or a bad `fmt`.
    """
    if fmt not in TRACK_SUFFIXES:
        raise ValueError(f"`fmt` must be 'json' or 'csv'. Received: fmt={fmt!r}")
    inputs = collect_inputs(inputs)
    records = DetectionRecords(out, fmt, detector.num_keypoints)
    settings = _Settings(fmt, pictures, max_frames, smoother, batch_size, log, fit)
    done = frames_tracked = 0
    try:
        for item in inputs:
            try:
                if item.kind is None:
                    raise _Unreadable(
                        f"not an image ({', '.join(IMAGE_EXTENSIONS)}) or a video "
                        f"({', '.join(VIDEO_EXTENSIONS)})"
                    )
                if item.kind == "image":
                    _detect_image(detector, item, out, records, settings)
                else:
                    frames_tracked += _track_video_file(
                        detector, item, out, records, settings
                    )
            except _Unreadable as error:
                reason = str(error)
                log(f"skipped {item.path}: {reason}")
                records.skipped.append({"input": str(item.path), "reason": reason})
                continue
            done += 1
            records.flush(force=False)
    finally:
        records.flush()
    return DetectionSummary(
        records.path,
        done,
        len(records.skipped),
        len(records.detections),
        frames_tracked,
    )


class _Unreadable(Exception):
    """An input that cannot be read: skipped, with `str(error)` as the reason."""


def _reason(error):
    return f"{type(error).__name__}: {error}"


def _detect_image(detector, item, out, records, settings):
    fit = settings.fit
    try:
        image = read_image_file(item.path)
    except Exception as error:  # noqa: BLE001 - hostile input: skip just it
        raise _Unreadable(_reason(error)) from error
    size = tuple(detector.image_size)
    (points,) = detector.predict_keypoints(resize_for_model([image], size, fit))
    points = to_frame_pixels(points, size, image.shape[:2], fit)
    records.detections.append(
        {"input": str(item.path), "frame": None, "keypoints": points.tolist()}
    )
    if settings.pictures:
        # The input's relative path with its suffix kept: unique per input.
        save_png(draw_keypoints(image, points), os.path.join(out, item.name + ".png"))


def _track_video_file(detector, item, out, records, settings):
    pictures, smoother = settings.pictures, settings.smoother
    try:
        stream = VideoFrameStream(item.path, settings.max_frames)
    except Exception as error:  # noqa: BLE001 - hostile input: skip just it
        raise _Unreadable(_reason(error)) from error
    track, overlay, picture = video_outputs(out, item.name, settings.fmt)
    entry = {
        "input": str(item.path),
        "frames": None,
        "keypoints": track,
        "overlay": overlay if pictures else None,
        "tracks_picture": picture if pictures else None,
        "smoothing": None if smoother is None else smoother.describe(),
    }
    records.videos.append(entry)  # listed while it runs ("frames": null)
    records.flush()
    with stream:
        try:
            tracked = track_video(
                detector,
                stream,
                track,
                overlay_path=overlay if pictures else None,
                picture_path=picture if pictures else None,
                smoother=smoother,
                fps=stream.fps,
                batch_size=settings.batch_size,
                title=item.name,
                fit=settings.fit,
            )
        except NoFramesError as error:  # nothing was written
            records.videos.remove(entry)
            raise _Unreadable(_reason(error)) from error
    entry["frames"] = tracked.num_frames
    if stream.note:
        settings.log(f"{item.path}: {stream.note}")
        records.notes.append({"input": str(item.path), "note": stream.note})
    return tracked.num_frames
