"""The README's `model.fit` example runs as written."""

import re

from tests.helpers import REPO

MARKER = "<!-- README-FIT-EXAMPLE"


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
