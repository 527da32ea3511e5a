"""Fault injection against `keras-landmarks detect`: hostile inputs among good ones.

The bad inputs are made here: a PNG header claiming 30000 x 30000 pixels
(Pillow's decompression-bomb guard), an mp4 with no video stream, a cut mp4,
a text file, a 16-bit PNG, a model whose keypoints are NaN. Before the fix
one bad input aborted the run and lost the good inputs' results.
"""

import csv
import json
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from keras_landmarks.cli import build_parser
from keras_landmarks.cli import main
from keras_landmarks.data.files.image_files import read_image_file
from keras_landmarks.inference import detection_run
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_audio_only_mp4
from tests.data.fixtures import write_cut_video
from tests.helpers import tiny_model


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    tiny_model().save(path)
    return path


def _png_header_claiming(path, width, height):
    """A small PNG file whose header says `width x height` RGB pixels."""

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )
    return path


def _good_image(path, seed=0):
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 255, (40, 48, 3), dtype=np.uint8)).save(path)
    return path


def _bad_inputs(folder):
    folder.mkdir(exist_ok=True)
    return [
        _png_header_claiming(folder / "bomb.png", 30000, 30000),
        write_audio_only_mp4(folder / "sound.mp4"),
        write_cut_video(folder / "header_only.mp4", counter_frames(20), keep=0.0),
        folder / "notes.txt",
        folder / "fake.jpg",
    ]


def _detect(model_path, inputs, out, *options):
    argv = ["detect", *map(str, inputs), "--model", str(model_path)]
    return main([*argv, "--out", str(out), *options])


def test_bad_inputs_are_skipped_counted_and_listed(model_path, tmp_path, capsys):
    bad = _bad_inputs(tmp_path / "bad")
    (tmp_path / "bad" / "notes.txt").write_text("not a picture")
    (tmp_path / "bad" / "fake.jpg").write_text("not a JPEG either")
    good = _good_image(tmp_path / "good.png")
    out = tmp_path / "out"

    assert _detect(model_path, [*bad, good], out) == 0
    captured = capsys.readouterr()
    assert "1 inputs (5 unreadable, skipped)" in captured.out
    assert "Traceback" not in captured.err
    records = json.loads((out / "keypoints.json").read_text())
    assert [r["input"] for r in records["detections"]] == [str(good)]
    reasons = {r["input"]: r["reason"] for r in records["skipped"]}
    assert sorted(reasons) == sorted(map(str, bad))
    assert "decompression bomb" in reasons[str(bad[0])]
    assert "no video stream" in reasons[str(bad[1])]
    assert "no frame decodes" in reasons[str(bad[2])]
    assert "not an image" in reasons[str(bad[3])]
    for path in map(str, bad):  # one line on stderr per skipped input
        assert sum(path in line for line in captured.err.splitlines()) == 1


def test_every_input_failing_exits_2_with_the_reasons_written(
    model_path, tmp_path, capsys
):
    bad = _bad_inputs(tmp_path / "bad")
    (tmp_path / "bad" / "notes.txt").write_text("x")
    (tmp_path / "bad" / "fake.jpg").write_text("x")
    out = tmp_path / "out"
    assert _detect(model_path, bad, out, "--format", "csv") == 2
    assert "none of the 5 inputs could be read" in capsys.readouterr().err
    with open(out / "keypoints.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][-1] == "skipped" and len(rows) == 1 + 5
    assert all(row[-1] for row in rows[1:])


def test_records_are_written_as_the_run_goes_and_atomically(
    model_path, tmp_path, monkeypatch
):
    inputs = [_good_image(tmp_path / f"{i}.png", seed=i) for i in range(3)]
    real_resize, calls = detection_run.resize_for_model, []

    def resize_then_crash(images, size, fit):
        calls.append(1)
        if len(calls) == 3:  # a crash (or a kill) at the third input
            raise RuntimeError("injected crash")
        return real_resize(images, size, fit)

    monkeypatch.setattr(detection_run, "resize_for_model", resize_then_crash)
    with pytest.raises(RuntimeError, match="injected crash"):
        _detect(model_path, inputs, tmp_path / "out", "--no-pictures")
    records = json.loads((tmp_path / "out" / "keypoints.json").read_text())
    assert [r["input"] for r in records["detections"]] == list(map(str, inputs[:2]))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["keypoints.json"]


def test_overlays_of_inputs_with_one_stem_do_not_overwrite_each_other(
    model_path, tmp_path
):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    inputs = [
        _good_image(tmp_path / "a" / "face.jpg", 0),
        _good_image(tmp_path / "a" / "face.png", 1),
        _good_image(tmp_path / "b" / "face.jpg", 2),
    ]
    out = tmp_path / "out"
    assert _detect(model_path, [tmp_path / "a", inputs[2]], out) == 0
    pictures = sorted(str(p.relative_to(out)) for p in out.rglob("*.png"))
    assert pictures == ["a/face.jpg.png", "a/face.png.png", "b/face.jpg.png"]


def test_16_bit_png_is_read_with_its_full_range_as_training_reads_it(
    model_path, tmp_path
):
    import tensorflow as tf

    wide = np.linspace(0, 65535, 40 * 48).reshape(40, 48).astype(np.uint16)
    Image.fromarray(wide).save(tmp_path / "wide.png")
    trained_on = tf.io.decode_image(
        tf.io.read_file(str(tmp_path / "wide.png")), channels=3
    ).numpy()
    Image.fromarray(trained_on).save(tmp_path / "narrow.png")
    np.testing.assert_array_equal(read_image_file(tmp_path / "wide.png"), trained_on)

    out = tmp_path / "out"
    inputs = [tmp_path / "wide.png", tmp_path / "narrow.png"]
    assert _detect(model_path, inputs, out, "--no-pictures") == 0
    wide_points, narrow_points = (
        r["keypoints"]
        for r in json.loads((out / "keypoints.json").read_text())["detections"]
    )
    np.testing.assert_allclose(wide_points, narrow_points, atol=1e-4)


def test_csv_writes_an_empty_cell_not_nan_and_says_so(tmp_path, capsys):
    model = tiny_model()
    model.detector.head.kernel.assign(np.full(model.detector.head.kernel.shape, np.nan))
    model.save(tmp_path / "broken.keras")
    image = _good_image(tmp_path / "face.png")
    out = tmp_path / "out"
    assert _detect(tmp_path / "broken.keras", [image], out, "--format", "csv") == 0
    text = (out / "keypoints.csv").read_text()
    assert "nan" not in text.lower()
    row = next(csv.reader(text.splitlines()[1:]))
    assert row[2:-1] == [""] * (2 * model.num_keypoints)

    with pytest.raises(SystemExit):
        build_parser().parse_args(["detect", "--help"])
    assert "empty cell in CSV" in " ".join(capsys.readouterr().out.split())
