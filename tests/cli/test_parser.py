import pytest

from keras_landmarks.cli import main
from keras_landmarks.cli.parser import build_parser


def test_help_teaches_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "train", "evaluate", "detect", "visualize", "export"):
        assert command in out
    assert "Start here" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--out", "x"], "--data"),
        (
            ["train", "--data", "synthetic-faces", "--out", "x", "--minutes", "-1"],
            "> 0",
        ),
        (["detect", "/no/such/file.png"], "no such file"),
        (["demo", "--steps", "0"], ">= 1"),
        (["demo", "--precision", "fp8"], "invalid choice: 'fp8'"),
        (["demo", "--framing", "tilted"], "invalid choice: 'tilted'"),
        (["demo", "--clutter", "2"], "in [0, 1], got 2.0"),
        (["demo", "--clutter", "lots"], "expected a number, got 'lots'"),
        (["demo", "--image-size", "50"], "multiple of 4 that is >= 32"),
        (["demo", "--image-size", "12"], "got 12"),
        (["export", "--model", "/nope.keras", "--out", "x"], "no such file"),
    ],
)
def test_bad_arguments_are_explained(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_detect_help_states_the_smoothing_defaults_of_the_library(capsys):
    import inspect

    from keras_landmarks.inference.temporal_smoothing import GaussianSmoother
    from keras_landmarks.inference.temporal_smoothing import SavitzkyGolaySmoother

    with pytest.raises(SystemExit):
        build_parser().parse_args(["detect", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    savgol = inspect.signature(SavitzkyGolaySmoother).parameters
    sigma = inspect.signature(GaussianSmoother).parameters["sigma"].default
    assert f"window length in frames, odd ({savgol['window_length'].default})" in text
    assert f"polynomial degree ({savgol['polyorder'].default})" in text
    assert f"deviation in frames ({sigma:g})" in text
    assert "scipy.signal.savgol_filter" in text and "gaussian_filter1d" in text
