import json
import os
import subprocess
import sys
from pathlib import Path

import av
import keras
import numpy as np
import pytest
from PIL import Image

from keras_landmarks.cli import main
from keras_landmarks.inference.track_records import read_track
from tests.helpers import tiny_model


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    tiny_model().save(path)
    return path


def _write_video(path, frames):
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv420p"
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, "rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="whether the console script is installed does not depend on the "
    "backend: checked in the PyTorch lane",
)
def test_console_script_is_installed():
    script = Path(sys.executable).parent / "keras-landmarks"
    if not script.exists():
        pytest.skip(f"package not installed with its console script in {script.parent}")
    out = subprocess.run([script, "detect", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--format" in out.stdout


def test_demo_passes_its_options_to_the_job(tmp_path, monkeypatch, capsys):
    from keras_landmarks.training import synthetic_faces_job

    calls = []

    def fake_job(run_dir, **kwargs):
        calls.append((run_dir, kwargs))
        return synthetic_faces_job.JobResult("", {}, 3, 1.0, run_dir)

    monkeypatch.setattr(synthetic_faces_job, "run_synthetic_faces", fake_job)
    argv = ["demo", "--out", str(tmp_path), "--steps", "3", "--clutter", "0.25"]
    more = ["--equivariance-weight", "1e4", "--curve-every", "250"]
    assert main([*argv, "--image-size", "32", "--framing", "aligned", *more]) == 0
    ((run_dir, kwargs),) = calls
    assert run_dir == str(tmp_path)
    assert kwargs["steps"] == 3 and kwargs["clutter"] == 0.25
    assert kwargs["image_size"] == 32 and kwargs["framing"] == "aligned"
    assert kwargs["equivariance_weight"] == 1e4 and kwargs["curve_every"] == 250
    assert "Trained 3 steps" in capsys.readouterr().out
    main(["demo", "--out", str(tmp_path), "--steps", "3"])
    for name in ("clutter", "image_size", "equivariance_weight", "curve_every"):
        assert name not in calls[1][1], name


def test_train_on_a_video_folder_with_the_equivariance_term(tmp_path, capsys):
    # The cpu preset's equivariance term reaches video pairs through a warped
    # copy of each target (`with_warped_target`).
    rng = np.random.default_rng(0)
    (tmp_path / "videos").mkdir()
    for v in range(2):
        frames = rng.integers(0, 255, (10, 36, 40, 3), dtype=np.uint8)
        _write_video(tmp_path / "videos" / f"{v}.mp4", frames)
    run = tmp_path / "run"
    argv = ["train", "--data", f"videos:{tmp_path / 'videos'}", "--out", str(run)]
    argv += ["--steps", "2", "--batch-size", "2", "--image-size", "32"]
    assert main([*argv, "--curve-every", "0"]) == 0
    assert json.loads((run / "results.json").read_text())["steps"] == 2
    # fit's line for the epoch (not a terminal here) reports the term.
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "2/2" in x]
    term = float(line.split("equivariance_loss: ")[1].split()[0])
    assert 0 < term < 1  # squared fractions of half the image


def test_unknown_data_spec_lists_the_choices(tmp_path, capsys):
    code = main(
        ["train", "--data", "celebrities", "--out", str(tmp_path), "--steps", "1"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "Unknown data spec 'celebrities'" in err and "images:DIR" in err


def test_detect_images_folder_and_video(model_path, tmp_path, capsys):
    rng = np.random.default_rng(0)
    folder = tmp_path / "inputs"
    folder.mkdir()
    Image.fromarray(rng.integers(0, 255, (48, 40, 3), dtype=np.uint8)).save(
        folder / "a.png"
    )
    Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(
        tmp_path / "b.jpg"
    )
    (folder / "broken.png").write_bytes(b"not a png")
    _write_video(tmp_path / "clip.mp4", rng.integers(0, 255, (3, 32, 32, 3), np.uint8))
    out = tmp_path / "out"
    code = main(
        [
            "detect",
            str(folder),
            str(tmp_path / "b.jpg"),
            str(tmp_path / "clip.mp4"),
            "--model",
            str(model_path),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "1 unreadable, skipped" in capsys.readouterr().out
    summary = json.loads((out / "keypoints.json").read_text())
    records = summary["detections"]
    assert len(records) == 2
    (video,) = summary["videos"]
    assert video["frames"] == 3 and video["input"].endswith("clip.mp4")
    first = records[0]
    assert first["input"].endswith("a.png") and first["frame"] is None
    points = np.array(first["keypoints"])
    assert points.shape == (4, 2)
    # Keypoints are in the input image's own pixels (40 wide, 48 high).
    assert (
        np.all(points >= 0)
        and np.all(points[:, 0] <= 39)
        and np.all(points[:, 1] <= 47)
    )
    # Overlays are named after the inputs' relative paths, suffix kept.
    assert (out / "inputs" / "a.png.png").exists() and (out / "b.jpg.png").exists()
    # A video: one track file, one overlay video and one tracks picture.
    track = read_track(out / "clip.mp4.keypoints.jsonl")
    assert track["keypoints"].shape == (3, 4, 2)
    assert (out / "clip.mp4.overlay.mp4").exists()
    assert (out / "clip.mp4.tracks.png").exists()
    assert sorted(p.name for p in out.glob("clip.mp4*")) == [
        "clip.mp4.keypoints.jsonl",
        "clip.mp4.overlay.mp4",
        "clip.mp4.tracks.png",
    ]

    csv_out = tmp_path / "csv"
    main(
        [
            "detect",
            str(tmp_path / "b.jpg"),
            "--model",
            str(model_path),
            "--out",
            str(csv_out),
            "--format",
            "csv",
            "--no-pictures",
        ]
    )
    lines = (csv_out / "keypoints.csv").read_text().splitlines()
    assert lines[0].startswith("input,frame,x0,y0,x1,y1")
    assert len(lines) == 2 and not list(csv_out.glob("*.png"))


def test_export_and_detect_with_the_saved_model(model_path, tmp_path):
    assert (
        main(["export", "--model", str(model_path), "--out", str(tmp_path / "m")]) == 0
    )
    assert (tmp_path / "m" / "1" / "saved_model.pb").exists()
    image = np.full((32, 32, 3), 128, np.uint8)
    Image.fromarray(image).save(tmp_path / "x.png")
    assert (
        main(
            [
                "detect",
                str(tmp_path / "x.png"),
                "--model",
                str(tmp_path / "m"),
                "--trust-saved-model",
                "--out",
                str(tmp_path / "d"),
                "--no-pictures",
            ]
        )
        == 0
    )
    records = json.loads((tmp_path / "d" / "keypoints.json").read_text())["detections"]
    assert np.array(records[0]["keypoints"]).shape == (4, 2)


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="end to end on one backend (PyTorch, whose CI process ends first): the "
    "command wires library code tested on every backend (train + resume: "
    "tests/training/test_loop.py; the curve: test_learning_curve.py; its measures: "
    "tests/evaluation/test_label_free.py; image folders: tests/data)",
)
def test_train_on_an_image_folder_then_resume(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(6):
        Image.fromarray(rng.integers(0, 255, (70, 80, 3), dtype=np.uint8)).save(
            folder / f"{i}.jpg"
        )
    run = tmp_path / "run"
    argv = [
        "train",
        "--data",
        f"images:{folder}",
        "--out",
        str(run),
        "--steps",
        "2",
        "--batch-size",
        "2",
        "--curve-every",
        "1",
        "--equivariance-weight",
        "1000",
    ]
    assert main(argv) == 0
    assert (run / "model.keras").exists() and (run / "pictures").is_dir()
    # The run pipeline's results.json: no annotations, so no evaluation.
    results = json.loads((run / "results.json").read_text())
    assert results["steps"] == 2 and results["config"]["batch_size"] == 2
    assert results["config"]["data"] == f"images:{folder}"
    # Label-free measures before the first step and after each.
    records = json.loads((run / "learning_curve.json").read_text())["records"]
    assert [r["step"] for r in records] == [0, 1, 2]
    assert all(r["equivariance_percent"] > 0 for r in records)
    assert len(records[0]["equivariance_per_keypoint"]) == 10
    # Running it again finds the finished run and trains nothing more.
    assert main(argv) == 0


@pytest.mark.parametrize("backend", ["jax", "torch", "tensorflow"])
def test_backend_flag_picks_the_backend_before_keras_loads(backend):
    # The child process starts without KERAS_BACKEND, so what this lane's backend
    # is does not matter: each lane checks the flag for its own backend, and the
    # three lanes together check every pair of flag and child.
    if backend != keras.backend.backend():
        pytest.skip(f"checked in the {backend} lane (the child ignores this lane's)")
    code = (
        "import keras_landmarks_cli\n"
        "try:\n"
        f"    keras_landmarks_cli.main(['--backend', '{backend}', 'demo', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "import keras\n"
        "print(keras.backend.backend())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == backend


def test_evaluate_prints_the_protocol_and_the_label_free_measures(
    model_path, tmp_path, capsys
):
    out = tmp_path / "eval"
    argv = ["evaluate", "--model", str(model_path), "--num-train", "24"]
    assert main([*argv, "--num-test", "12", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "trained detector" in printed and "mean shape" in printed
    assert "equivariance error" in printed and "geometry-follow" in printed
    saved = json.loads((out / "results.json").read_text())
    overall = saved["synthetic_faces"]["overall"]
    assert set(overall) == {"trained detector", "untrained detector", "mean shape"}
    # The untrained baseline is seeded (--seed): a second run gives the same.
    # --matched adds the Hungarian-matched raw keypoints, marked as no paper
    # protocol, beside the paper's regressed scores.
    again_out = tmp_path / "again"
    assert main([*argv, "--num-test", "12", "--out", str(again_out), "--matched"]) == 0
    assert "Hungarian-matched" in capsys.readouterr().out
    again = json.loads((again_out / "results.json").read_text())["synthetic_faces"]
    matched = again.pop("matched")
    assert again == saved["synthetic_faces"]
    assert matched["protocol"].startswith("not a paper protocol")
    assert len(matched["keypoint_per_landmark"]["trained detector"]) == 5
    assert matched["unmatched_landmarks"] == 1  # K = 4 keypoints, 5 landmarks
    assert saved["label_free"]["equivariance_percent"] > 0
    assert len(saved["label_free"]["equivariance_per_keypoint"]) == 4


def test_visualize_shows_the_equivariance_per_keypoint(model_path, tmp_path, capsys):
    out = tmp_path / "pictures"
    assert main(["visualize", "--model", str(model_path), "--out", str(out)]) == 0
    assert "equivariance error" in capsys.readouterr().out
    picture = np.asarray(Image.open(out / "equivariance.png"))
    assert picture.shape == (320, 640, 3)
    # The bars are drawn in the keypoints' colours, not only black on white.
    assert len(np.unique(picture.reshape(-1, 3), axis=0)) > 20


def test_detect_smoothing_options_need_smooth(model_path, tmp_path, capsys):
    image = tmp_path / "x.png"
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(image)
    argv = ["detect", str(image), "--model", str(model_path), "--out", str(tmp_path)]
    assert main([*argv, "--smooth-window", "5"]) == 2
    assert "--smooth-window needs --smooth" in capsys.readouterr().err
    assert main([*argv, "--smooth", "gaussian", "--smooth-order", "1"]) == 2
    assert "'gaussian' does not take ['polyorder']" in capsys.readouterr().err
    assert main([*argv, "--smooth", "savgol", "--smooth-window", "4"]) == 2
    assert "window_length=4" in capsys.readouterr().err


def test_detect_tracks_a_video_smoothed_into_csv(model_path, tmp_path):
    rng = np.random.default_rng(1)
    _write_video(tmp_path / "clip.mp4", rng.integers(0, 255, (7, 32, 32, 3), np.uint8))
    out = tmp_path / "out"
    argv = ["detect", str(tmp_path / "clip.mp4"), "--model", str(model_path)]
    options = ["--smooth", "savgol", "--smooth-window", "5", "--smooth-order", "1"]
    assert main([*argv, "--out", str(out), "--format", "csv", *options]) == 0
    lines = (out / "clip.mp4.keypoints.csv").read_text().splitlines()
    assert lines[0] == "frame,keypoint,x,y,x_smoothed,y_smoothed"
    assert len(lines) == 1 + 7 * 4
    track = read_track(out / "clip.mp4.keypoints.csv")
    from scipy.signal import savgol_filter

    np.testing.assert_allclose(
        track["smoothed"],
        savgol_filter(track["keypoints"], 5, 1, axis=0, mode="interp"),
        atol=0.02,  # the file holds 2 decimals
    )
    with av.open(str(out / "clip.mp4.overlay.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == 7
