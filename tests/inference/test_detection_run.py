import json

import numpy as np
import pytest

from keras_landmarks.inference.detection_run import run_detection
from keras_landmarks.inference.temporal_smoothing import GaussianSmoother
from keras_landmarks.inference.track_records import read_track
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_cut_video
from tests.data.fixtures import write_image
from tests.data.fixtures import write_video
from tests.helpers import tiny_model


def test_images_and_videos_with_their_outputs_and_notes(tmp_path):
    folder = tmp_path / "in"
    write_image(folder / "face.png", np.full((20, 30, 3), 90, np.uint8))
    write_video(folder / "clip.mp4", counter_frames(12))
    write_cut_video(folder / "cut.mp4", counter_frames(30), keep=0.5)
    out = tmp_path / "out"
    out.mkdir()
    lines = []
    summary = run_detection(
        tiny_model(),
        [folder],
        str(out),
        fmt="csv",
        max_frames=10,
        smoother=GaussianSmoother(1.0),
        batch_size=4,
        log=lines.append,
    )
    assert (summary.num_inputs, summary.num_skipped, summary.num_images) == (3, 0, 1)
    clip = read_track(out / "in" / "clip.mp4.keypoints.csv")
    np.testing.assert_array_equal(clip["frames"], np.arange(10))  # --max-frames
    assert clip["smoothed"].shape == (10, 4, 2)
    cut = read_track(out / "in" / "cut.mp4.keypoints.csv")
    assert summary.num_video_frames == 10 + len(cut["frames"])
    assert 0 < len(cut["frames"]) < 10
    # The cut video's note, on the log.
    assert (
        len(lines) == 1 and "cut.mp4" in lines[0] and "frames that decode" in lines[0]
    )
    for name in ("face.png.png", "clip.mp4.overlay.mp4", "clip.mp4.tracks.png"):
        assert (out / "in" / name).exists(), name


def test_json_lists_each_video_with_its_files_and_smoothing(tmp_path):
    write_video(tmp_path / "clip.mp4", counter_frames(6))
    summary = run_detection(
        tiny_model(),
        [tmp_path / "clip.mp4"],
        str(tmp_path),
        pictures=False,
        smoother=GaussianSmoother(1.0),
    )
    (video,) = json.loads((tmp_path / "keypoints.json").read_text())["videos"]
    assert video["frames"] == 6 == summary.num_video_frames
    assert video["keypoints"] == str(tmp_path / "clip.mp4.keypoints.jsonl")
    assert video["overlay"] is None and video["tracks_picture"] is None
    assert video["smoothing"].startswith("gaussian(sigma=1, truncate=4)")
    assert len(read_track(video["keypoints"])["frames"]) == 6
    assert not list(tmp_path.glob("*.mp4.*.mp4")) and not list(tmp_path.glob("*.png"))


class CornerDetector:
    """Keypoints at the first and last pixel of a 10 x 10 model grid."""

    image_size = (10, 10)
    num_keypoints = 2

    def __init__(self):
        self.seen = []

    def predict_keypoints(self, images):
        self.seen.append(np.asarray(images))
        return np.tile(
            np.array([[0.0, 0.0], [9.0, 9.0]], "float32"), (len(images), 1, 1)
        )


@pytest.mark.parametrize(
    "fit, corners",
    [
        ("crop", [[5.0, 0.0], [34.0, 29.0]]),  # the centre square, as training
        (None, [[0.0, 0.0], [39.0, 29.0]]),  # the whole 40 x 30 image squeezed
    ],
)
def test_images_and_frames_are_framed_as_training_frames_them(tmp_path, fit, corners):
    image = np.zeros((30, 40, 3), np.uint8)
    image[:, :5] = image[:, 35:] = 255  # white bands left and right
    write_image(tmp_path / "in" / "wide.png", image)
    write_video(tmp_path / "in" / "wide.mp4", np.stack([image] * 3))
    out = tmp_path / "out"
    out.mkdir()
    detector = CornerDetector()
    run_detection(detector, [tmp_path / "in"], str(out), pictures=False, fit=fit)
    records = json.loads((out / "keypoints.json").read_text())
    (found,) = [d["keypoints"] for d in records["detections"]]
    np.testing.assert_allclose(found, corners, atol=1e-4)
    track = read_track(out / "in" / "wide.mp4.keypoints.jsonl")
    np.testing.assert_allclose(track["keypoints"][0], corners, atol=1e-4)
    # Cropped, the detector sees no white band; squeezed, it sees both.
    bright = [images[..., 0].max(axis=(1, 2)) for images in detector.seen]
    assert (max(b.max() for b in bright) > 200) == (fit is None)
