"""Checks on the test suite itself: tests that cannot run are bugs."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _nested_tests(source):
    """`(outer, inner, line)` for each test function defined inside another."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            for inner in ast.walk(node):
                if (
                    inner is not node
                    and isinstance(inner, ast.FunctionDef)
                    and inner.name.startswith("test")
                ):
                    found.append((node.name, inner.name, inner.lineno))
    return found


def test_the_check_finds_a_nested_test():
    source = "def test_a():\n    assert 1\n\n    def test_b():\n        assert 0\n"
    assert _nested_tests(source) == [("test_a", "test_b", 4)]
    assert _nested_tests("def test_a():\n    pass\n\n\ndef test_b():\n    pass\n") == []


def test_no_test_is_nested_inside_another():
    # pytest never collects a test defined inside another test's body.
    nested = [
        f"{path.relative_to(TESTS)}: {inner} (line {line}) inside {outer}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for outer, inner, line in _nested_tests(path.read_text())
    ]
    assert nested == [], "\n".join(nested)
