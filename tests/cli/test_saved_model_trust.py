"""Fault injection for trust: a SavedModel is a program, so a user's SavedModel
loads only when the user says it is trusted, and commands that need the
full model never load one.

The hostile model is made here: a SavedModel whose serving signature writes
a file each time it runs (as a malicious one could write anywhere).
"""

import os
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_landmarks.cli import build_parser
from keras_landmarks.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def _saved_model_that_writes(folder, marker):
    class Payload(tf.Module):
        @tf.function(
            input_signature=[tf.TensorSpec((None, 32, 32, 3), tf.float32, "images")]
        )
        def detect(self, images):
            tf.io.write_file(str(marker), "the model ran")
            n = tf.shape(images)[0]
            return {
                "keypoints": tf.zeros((n, 4, 2)),
                "heatmaps": tf.zeros((n, 8, 8, 4)),
            }

    module = Payload()
    tf.saved_model.save(
        module, str(folder / "1"), signatures={"serving_default": module.detect}
    )
    return folder


@pytest.fixture
def hostile(tmp_path):
    marker = tmp_path / "written_by_the_model.txt"
    return _saved_model_that_writes(tmp_path / "hostile", marker), marker


@pytest.fixture
def image(tmp_path):
    Image.fromarray(np.full((32, 32, 3), 100, np.uint8)).save(tmp_path / "x.png")
    return tmp_path / "x.png"


def test_detect_refuses_an_untrusted_saved_model(hostile, image, tmp_path, capsys):
    model, marker = hostile
    argv = ["detect", str(image), "--model", str(model), "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "is a program" in err and "--trust-saved-model" in err
    assert not marker.exists()

    # The user vouches for it: it loads, and runs (which is the point).
    assert main([*argv, "--trust-saved-model", "--no-pictures"]) == 0
    assert marker.exists()


@pytest.mark.parametrize("command", ["evaluate", "visualize", "export"])
def test_commands_that_need_the_full_model_never_load_a_saved_model(
    command, hostile, tmp_path, capsys, monkeypatch
):
    def forbidden(*args, **kwargs):
        raise AssertionError("a SavedModel was loaded")

    monkeypatch.setattr(tf.saved_model, "load", forbidden)
    model, marker = hostile
    argv = [command, "--model", str(model)]
    if command != "evaluate":
        argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 2
    assert "SavedModel" in capsys.readouterr().err
    assert not marker.exists() and not os.path.exists(tmp_path / "out")


def test_the_help_and_the_readme_say_a_saved_model_is_a_program(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["detect", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "a SavedModel is a program" in help_text
    assert "--trust-saved-model" in help_text
    readme = " ".join(README.read_text().split())
    assert "a savedmodel is a program" in readme.lower()
