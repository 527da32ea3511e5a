"""Keypoints through a video, a batch of frames at a time, in constant memory.

decode -> batch -> predict -> write: frames come from any iterable (a
`VideoFrameStream` decodes them one at a time), `batch_size` of them are
resized and run through the detector together, and each frame's keypoints are
appended to the track file (`TrackRecords`) and drawn into the overlay video
(`VideoWriter`) before the next batch is decoded. With a `TemporalSmoother`
a frame is written once its smoothing window is complete, `smoother.radius`
frames later. At most `batch_size` frames, plus (for the overlay) those
waiting for their smoothing window (`radius`, `2 * radius` at the start), are
held at any time, whatever the length of the video.

Interruption: the track file is appended after every batch, and on an error
the frames already detected are still written (those waiting for their
smoothing window with the filter's end-of-track rule), so the file holds
every frame before the error. The tracks picture is drawn from the track
file once the video is done.
"""

import collections

from keras_landmarks.data.files.video_writer import DEFAULT_FPS
from keras_landmarks.data.files.video_writer import VideoWriter
from keras_landmarks.data.ops.framing import DEFAULT_FIT
from keras_landmarks.inference.model_input import resize_for_model
from keras_landmarks.inference.model_input import to_frame_pixels
from keras_landmarks.inference.track_records import TrackRecords
from keras_landmarks.inference.track_records import read_track
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.drawing import save_png
from keras_landmarks.visualization.keypoint_trajectories import keypoint_trajectories

# Frames resized and run through the detector together; our choice (a 64-px
# CPU model runs 16 frames in about the time it decodes them).
DEFAULT_BATCH_SIZE = 16

TrackedVideo = collections.namedtuple(
    "TrackedVideo", ["num_frames", "records", "overlay", "picture"]
)
TrackedVideo.__doc__ = """What `track_video` wrote.

Fields:
    num_frames: int, frames tracked.
    records: str, the track file.
    overlay: str or None, the overlay MP4.
    picture: str or None, the tracks picture (PNG).
"""


def batches(items, batch_size):
    """Lists of `batch_size` consecutive items (the last may be shorter).

    Pulls only `batch_size` items from `items` per list, so a generator of
    decoded frames is read a batch at a time.
    """
    if batch_size < 1:
        raise ValueError(f"`batch_size` must be >= 1. Received: {batch_size}")
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def track_video(
    detector,
    frames,
    records_path,
    overlay_path=None,
    picture_path=None,
    smoother=None,
    fps=DEFAULT_FPS,
    batch_size=DEFAULT_BATCH_SIZE,
    title=None,
    fit=DEFAULT_FIT,
):
    """Tracks keypoints through `frames`, writing the records as it goes.

    Args:
        detector: has `image_size`, `num_keypoints` and
            `predict_keypoints(images)` (a `LandmarkModel` or what
            `export.detector.load_detector` returns).
        frames: iterable of uint8 `(H, W, 3)` RGB frames of one size (e.g. a
            `VideoFrameStream`); read a batch at a time.
        records_path: the track file, `.csv` or `.jsonl` (`TrackRecords`);
            created at the first frame.
        overlay_path: optional `.mp4`: each frame with its keypoints
            (smoothed when smoothing), at `fps`.
        picture_path: optional `.png`: `keypoint_trajectories` of the track
            over the first frame, drawn when the video is done.
        smoother: optional `TemporalSmoother`; the records then hold the raw
            and the smoothed keypoints.
        fps: frames per second of the overlay, default `DEFAULT_FPS`.
        batch_size: int >= 1, default `DEFAULT_BATCH_SIZE`.
        title: optional str above the tracks picture.
        fit: `"crop"` (default), `"pad"` or None: how each frame is framed for
            the detector (`resize_for_model`); keypoints are in frame pixels.

    Returns:
        `TrackedVideo`. Nothing is written when `frames` is empty.

    Raises:
        Whatever reading `frames` or the detector raises; the frames detected
        before it are in the records (see the module docstring).
    """
    if smoother is not None:
        smoother.reset()
    records = overlay = first_frame = None
    pending = collections.deque()  # (frame or None, raw keypoints) not yet written
    size = tuple(detector.image_size)

    def write(ready):
        for index, smooth in ready:
            frame, raw = pending.popleft()
            records.append(index, raw, smooth)
            if overlay is not None:
                overlay.write(draw_keypoints(frame, raw if smooth is None else smooth))

    index = 0
    try:
        for batch in batches(frames, batch_size):
            if records is None:
                records = TrackRecords(
                    records_path, detector.num_keypoints, smoother is not None
                )
                if overlay_path is not None:
                    overlay = VideoWriter(overlay_path, fps=fps or DEFAULT_FPS)
                if picture_path is not None:
                    first_frame = batch[0].copy()
            detected = detector.predict_keypoints(resize_for_model(batch, size, fit))
            for frame, points in zip(batch, detected, strict=True):
                raw = to_frame_pixels(points, size, frame.shape[:2], fit)
                pending.append((frame if overlay is not None else None, raw))
                write(smoother.push(raw) if smoother else [(index, None)])
                index += 1
            del batch, frame  # hold no frame while the next batch decodes
            records.flush()
    finally:
        if records is not None:
            try:
                if smoother is not None:
                    write(smoother.finish())
            finally:
                records.close()
                if overlay is not None:
                    overlay.close()
    if records is None:
        return TrackedVideo(0, None, None, None)
    picture = None
    if picture_path is not None:
        picture = _save_tracks_picture(records_path, first_frame, picture_path, title)
    return TrackedVideo(records.num_frames, records.path, overlay_path, picture)


def _save_tracks_picture(records_path, first_frame, path, title):
    track = read_track(records_path)
    picture = keypoint_trajectories(
        first_frame,
        track["keypoints"],
        smoothed=track["smoothed"],
        frame_indices=track["frames"],
        title=title,
    )
    return save_png(picture, path)
