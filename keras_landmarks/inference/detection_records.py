"""The records of a detection run: keypoints of images, videos done, inputs skipped."""

import csv
import json
import math
import os
import time

from keras_landmarks.atomic_write import replace_atomically


def finite_or_null(points):
    """`(K, 2)` nested lists with None where a coordinate is not finite.

    JSON has no NaN or Infinity (json.dump would write them, invalid): a
    coordinate the model could not place is null.
    """
    return [[v if math.isfinite(v) else None for v in point] for point in points]


class DetectionRecords:
    """`OUT/keypoints.json` or `.csv`, rewritten atomically as the run goes.

    JSON: {"detections": one per image, {"input", "frame": null,
    "keypoints": (K, 2) pixel (x, y)}; "videos": one per video, {"input",
    "frames", "keypoints": its track file, "overlay", "tracks_picture",
    "smoothing"}; "skipped": {"input", "reason"}; "notes": {"input",
    "note"}}. CSV: a row per image (`input,frame,x0,y0,...,skipped`), then a
    row per skipped input with its reason in the last column; videos have
    their own track files (`track_records`).

    Every `FLUSH_SECONDS` (and at the end, also after an error) the whole file
    is written to a temporary name and renamed into place, so an interrupted
    run keeps the inputs done so far and never leaves a cut file.

    Args:
        out: str, the output folder.
        fmt: "json" or "csv".
        num_keypoints: int, K.
    """

    FLUSH_SECONDS = 2.0

    def __init__(self, out, fmt, num_keypoints):
        if fmt not in ("json", "csv"):
            raise ValueError(f"`fmt` must be 'json' or 'csv'. Received: fmt={fmt!r}")
        self.path = os.path.join(out, f"keypoints.{fmt}")
        self.fmt = fmt
        self.num_keypoints = num_keypoints
        self.detections, self.videos, self.skipped, self.notes = [], [], [], []
        self._last_flush = 0.0

    def flush(self, force=True):
        """Rewrites the file; with `force=False` only every `FLUSH_SECONDS`."""
        if not force and time.monotonic() - self._last_flush < self.FLUSH_SECONDS:
            return
        replace_atomically(
            self.path, self._write_json if self.fmt == "json" else self._write_csv
        )
        self._last_flush = time.monotonic()

    def _write_json(self, f):
        json.dump(
            {
                "format": "pixel (x, y) of the input image; null: not finite",
                "detections": [
                    {**record, "keypoints": finite_or_null(record["keypoints"])}
                    for record in self.detections
                ],
                "videos": self.videos,
                "skipped": self.skipped,
                "notes": self.notes,
            },
            f,
            indent=1,
            allow_nan=False,
        )

    def _write_csv(self, f):
        writer = csv.writer(f)
        header = ["input", "frame"]
        for k in range(self.num_keypoints):
            header += [f"x{k}", f"y{k}"]
        writer.writerow([*header, "skipped"])
        for record in self.detections:
            row = [record["input"], "" if record["frame"] is None else record["frame"]]
            for point in finite_or_null(record["keypoints"]):
                row += ["" if v is None else f"{v:.2f}" for v in point]
            writer.writerow([*row, ""])
        for skip in self.skipped:
            empty = [""] * (1 + 2 * self.num_keypoints)
            writer.writerow([skip["input"], *empty, skip["reason"]])
