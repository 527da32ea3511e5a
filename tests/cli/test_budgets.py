"""Sizes the commands cannot use are refused before any work, naming the limit."""

import math

import pytest

from keras_landmarks.cli import build_parser
from keras_landmarks.cli import main
from keras_landmarks.data import evaluation_sources
from keras_landmarks.models.landmark_model import MIN_IMAGE_SIZE
from keras_landmarks.models.presets import CPU_ENCODER_STRIDES
from keras_landmarks.models.presets import cpu_model
from tests.helpers import tiny_model


@pytest.mark.parametrize("size", ["16", "28", "50"])
def test_demo_refuses_image_sizes_the_model_refuses(size, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["demo", "--image-size", size])
    assert exit_info.value.code == 2
    assert (
        f"multiple of 4 that is >= 32 (the CPU networks downsample by 4), got {size}"
        in (capsys.readouterr().err)
    )


def test_the_demo_limits_are_the_models():
    # The parser's limits come from the model; a size one step below is refused
    # by both, the smallest accepted one builds.
    factor = math.prod(CPU_ENCODER_STRIDES)
    smallest = build_parser().parse_args(["demo", "--image-size", str(MIN_IMAGE_SIZE)])
    assert smallest.image_size == MIN_IMAGE_SIZE and MIN_IMAGE_SIZE % factor == 0
    with pytest.raises(ValueError, match="at least 32"):
        cpu_model(2, image_size=MIN_IMAGE_SIZE - factor)


def test_evaluate_refuses_too_few_regression_images_before_drawing(
    tmp_path, monkeypatch, capsys
):
    path = tmp_path / "tiny.keras"
    tiny_model(num_keypoints=4).save(path)

    def no_faces(*args, **kwargs):
        raise AssertionError("faces drawn before the sizes were checked")

    # Patched where `evaluation_splits` reads it: patching the faces module
    # instead leaves the fake bound in `evaluation_sources` for every later
    # test when this is the first test to import it.
    monkeypatch.setattr(evaluation_sources, "make_faces", no_faces)
    argv = ["evaluate", "--model", str(path), "--num-train", "8", "--num-test", "1"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--num-train 8 is too small" in err
    assert "8 unknowns per landmark coordinate" in err
    assert "give --num-train 9 at least" in err
