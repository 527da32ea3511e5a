import pytest

from keras_landmarks.cli import commands
from keras_landmarks.cli.dispatch import main


def _run_with(monkeypatch, handler, argv=("demo",)):
    monkeypatch.setattr(commands, "demo", handler)
    return main(list(argv))


def test_the_command_runs_with_the_parsed_arguments(monkeypatch):
    seen = {}

    def demo(args):
        seen.update(vars(args))

    assert _run_with(monkeypatch, demo, ["demo", "--steps", "3"]) == 0
    assert seen["command"] == "demo" and seen["steps"] == 3


def test_an_expected_failure_is_one_line_and_code_2(monkeypatch, capsys):
    def demo(args):
        raise ValueError("--out runs is a file")

    monkeypatch.delenv("KERAS_LANDMARKS_DEBUG", raising=False)
    assert _run_with(monkeypatch, demo) == 2
    err = capsys.readouterr().err
    assert err.startswith("keras-landmarks demo: error: --out runs is a file\n")
    assert "Traceback" not in err


@pytest.mark.parametrize("debug", [["--debug", "demo"], None])
def test_debug_keeps_the_traceback(monkeypatch, debug):
    def demo(args):
        raise ValueError("bad")

    if debug is None:
        monkeypatch.setenv("KERAS_LANDMARKS_DEBUG", "1")
    with pytest.raises(ValueError, match="bad"):
        _run_with(monkeypatch, demo, debug or ["demo"])


def test_a_bug_keeps_its_traceback(monkeypatch):
    def demo(args):
        raise TypeError("a bug")

    with pytest.raises(TypeError, match="a bug"):
        _run_with(monkeypatch, demo)


def test_an_interruption_says_how_to_resume(monkeypatch, capsys):
    def demo(args):
        raise KeyboardInterrupt

    assert _run_with(monkeypatch, demo, ["demo", "--out", "runs/x"]) == 130
    assert "run the same command again to resume runs/x" in (
        capsys.readouterr().err.lower()
    )
