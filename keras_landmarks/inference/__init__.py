"""Running a trained detector on files: images, folders and videos.

`run_detection` is what `keras-landmarks detect` does: it collects the inputs
(`collect_inputs`), detects keypoints in images and tracks them through videos
a batch of frames at a time (`track_video`, constant memory), optionally
smoothed along time with SciPy's filters (`SavitzkyGolaySmoother`,
`GaussianSmoother`), and writes the records as it goes
(`DetectionRecords`, `TrackRecords`).
"""

from keras_landmarks.inference.detection_records import DetectionRecords
from keras_landmarks.inference.detection_run import run_detection
from keras_landmarks.inference.input_files import collect_inputs
from keras_landmarks.inference.temporal_smoothing import GaussianSmoother
from keras_landmarks.inference.temporal_smoothing import SavitzkyGolaySmoother
from keras_landmarks.inference.temporal_smoothing import make_smoother
from keras_landmarks.inference.track_records import TrackRecords
from keras_landmarks.inference.track_records import read_track
from keras_landmarks.inference.video_tracking import track_video

__all__ = [
    "DetectionRecords",
    "GaussianSmoother",
    "SavitzkyGolaySmoother",
    "TrackRecords",
    "collect_inputs",
    "make_smoother",
    "read_track",
    "run_detection",
    "track_video",
]
