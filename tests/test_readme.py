"""The README's `model.fit` example runs as written."""

import re

import keras
import pytest

from tests.helpers import REPO

MARKER = "<!-- README-FIT-EXAMPLE"


@pytest.mark.skipif(
    keras.backend.backend() != "torch",
    reason="the README's text is checked on one backend (PyTorch, whose CI process "
    "ends first); what it calls (fit on warped pairs with their grid, "
    "predict_keypoints, save) is tested on every backend in tests/models and "
    "tests/losses/test_equivariance_loss.py",
)
def test_model_fit_example_runs(tmp_path, monkeypatch):
    text = (REPO / "README.md").read_text()
    assert MARKER in text, "the README lost its model.fit example"
    block = re.search(r"```python\n(.*?)```", text[text.index(MARKER) :], re.S)
    code = block.group(1)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["keypoints"].shape == (8, 10, 2)
    assert (tmp_path / "faces.keras").exists()


def test_install_lines_name_extras_that_exist():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    named = re.findall(
        r'pip install (?:-e )?"\.\[([\w,-]+)\]"', (REPO / "README.md").read_text()
    )
    assert "jax-cuda12" in named, "the README lost its GPU install line"
    missing = sorted({n for item in named for n in item.split(",")} - set(extras))
    assert missing == [], f"README installs extras pyproject.toml lacks: {missing}"
