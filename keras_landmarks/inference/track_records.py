"""A video's keypoint track on disk: one row per frame and keypoint, appended.

Two formats, chosen by the file's suffix:
- `.csv`: a header `frame,keypoint,x,y` (plus `x_smoothed,y_smoothed` when
  the track is smoothed), then one row per frame and keypoint; a coordinate
  that is not finite is an empty cell.
- `.jsonl` (JSON Lines, one JSON object per line): `{"frame": 0,
  "keypoint": 0, "x": 12.5, "y": 30.25}` (plus `"x_smoothed"`,
  `"y_smoothed"`); a coordinate that is not finite is `null`.

Coordinates are pixel (x, y) of the video's frames, pixel centres at
integers. The file grows as the video is tracked: each `flush` appends the
rows added since the last one in a single write, so after an interruption the
file holds every frame flushed before it, each row whole. Nothing else is
kept in memory.
"""

import csv
import io
import json
import math
import os

import numpy as np

TRACK_FORMATS = (".csv", ".jsonl")


def _coordinate(value):
    return float(value) if math.isfinite(value) else None


class TrackRecords:
    """Appends the rows of one video's track to a `.csv` or `.jsonl` file.

    Args:
        path: str or path-like ending in `.csv` or `.jsonl`; created (its
            folder too) or replaced.
        num_keypoints: int >= 1, K.
        smoothed: bool, default False. Rows also hold the smoothed keypoints.
    """

    def __init__(self, path, num_keypoints, smoothed=False):
        self.path = os.fspath(path)
        self.format = os.path.splitext(self.path)[1].lower()
        if self.format not in TRACK_FORMATS:
            raise ValueError(
                f"A track file must end in {' or '.join(TRACK_FORMATS)}. "
                f"Received: {self.path}"
            )
        if not isinstance(num_keypoints, (int, np.integer)) or num_keypoints < 1:
            raise ValueError(
                f"`num_keypoints` must be an int >= 1. Received: {num_keypoints!r}"
            )
        self.num_keypoints = int(num_keypoints)
        self.smoothed = bool(smoothed)
        self.num_frames = 0
        self._pending = io.StringIO()
        self._columns = ["frame", "keypoint", "x", "y"]
        if self.smoothed:
            self._columns += ["x_smoothed", "y_smoothed"]
        parent = os.path.dirname(self.path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        # Unbuffered: each flush is one os.write of whole rows.
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        if self.format == ".csv":
            csv.writer(self._pending).writerow(self._columns)
            self.flush()

    def append(self, frame, keypoints, smoothed=None):
        """Adds the K rows of one frame (written at the next `flush`).

        Args:
            frame: int, the frame index.
            keypoints: `(K, 2)` pixel (x, y).
            smoothed: `(K, 2)` pixel (x, y); required when the records are
                smoothed, refused otherwise.
        """
        keypoints = np.asarray(keypoints, "float64")
        if keypoints.shape != (self.num_keypoints, 2):
            raise ValueError(
                f"`keypoints` must have shape ({self.num_keypoints}, 2). "
                f"Received: {keypoints.shape}"
            )
        if (smoothed is None) == self.smoothed:
            raise ValueError(
                f"These records {'need' if self.smoothed else 'take no'} smoothed "
                f"keypoints. Received: smoothed={'None' if smoothed is None else '...'}"
            )
        columns = [keypoints]
        if self.smoothed:
            columns.append(np.asarray(smoothed, "float64").reshape(keypoints.shape))
        values = np.concatenate(columns, axis=-1)
        writer = csv.writer(self._pending) if self.format == ".csv" else None
        for k, row in enumerate(values):
            cells = [_coordinate(v) for v in row]
            if writer is not None:
                writer.writerow(
                    [frame, k, *("" if v is None else f"{v:.2f}" for v in cells)]
                )
            else:
                record = dict(zip(self._columns, [int(frame), k, *cells], strict=True))
                self._pending.write(json.dumps(record, allow_nan=False) + "\n")
        self.num_frames += 1

    def flush(self):
        """Appends the rows added since the last flush, in one write."""
        data = self._pending.getvalue().encode()
        self._pending = io.StringIO()
        view = memoryview(data)
        while view:  # a regular file takes it in one call; loop to be sure
            view = view[os.write(self._fd, view) :]

    def close(self):
        """Flushes and closes the file (idempotent)."""
        if self._fd is None:
            return
        try:
            self.flush()
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def read_track(path):
    """Reads a track file written by `TrackRecords`.

    Args:
        path: str or path-like, a `.csv` or `.jsonl` track file.

    Returns:
        dict with "frames" (int `(T,)`, in file order), "keypoints" (float32
        `(T, K, 2)`, NaN where not finite; `(0, 0, 2)` for no rows) and
        "smoothed" (float32 `(T, K, 2)`, or None when the track is not
        smoothed).
    """
    path = os.fspath(path)
    if path.lower().endswith(".csv"):
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    elif path.lower().endswith(".jsonl"):
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    else:
        raise ValueError(f"Not a track file (.csv or .jsonl): {path}")
    frames, per_frame = [], {}
    smoothed = bool(rows) and "x_smoothed" in rows[0]
    names = ["x", "y"] + (["x_smoothed", "y_smoothed"] if smoothed else [])
    for row in rows:
        frame = int(row["frame"])
        if frame not in per_frame:
            frames.append(frame)
            per_frame[frame] = []
        per_frame[frame].append(
            [np.nan if row[n] in ("", None) else float(row[n]) for n in names]
        )
    values = np.asarray([per_frame[t] for t in frames], "float32")
    values = values.reshape(len(frames), -1 if frames else 0, len(names))
    return {
        "frames": np.asarray(frames, "int64"),
        "keypoints": values[..., :2],
        "smoothed": values[..., 2:] if smoothed else None,
    }
