"""One version, written in keras_landmarks/version.py and read by pyproject.toml."""

import pytest

import keras_landmarks as kl
from keras_landmarks.version import __version__
from tests.helpers import REPO


def test_the_package_and_pyproject_take_the_version_from_one_place():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    attr = pyproject["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "keras_landmarks.version.__version__"
    assert kl.__version__ == __version__
    assert all(part.isdigit() for part in __version__.split("."))
