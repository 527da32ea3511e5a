"""Which test modules never reach Keras, read from their imports.

A test module that imports no Keras, directly or through the `keras_landmarks`
and `tests` modules it imports (followed transitively, imports inside functions
included) or its folders' conftest files, computes the same under every
`KERAS_BACKEND`: tf.data pipelines, file readers and writers, numpy metrics.
Such tests need one backend's lane only (see `tests/conftest.py`).

Conservative by construction: any import of `keras` anywhere on the way, any
import of a package's `__init__` that reaches Keras, or a module that starts a
subprocess (which may run Keras with its own backend) counts as reaching Keras.
Parent packages' `__init__` files that Python runs on the way are not followed:
importing Keras without calling it does not make a result backend-dependent.
"""

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Our own packages, followed through their imports.
OWN_PACKAGES = ("keras_landmarks", "tests")
# The suite's root conftest sets Keras state up for every test and builds no
# model, so it is not counted (else every module would reach Keras).
ROOT_CONFTEST = ROOT / "tests" / "conftest.py"


def _module_file(name):
    """The file of our module `name` (a dotted path), or None."""
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@functools.cache
def _imports(path):
    """Dotted names that `path` imports, anywhere in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            # `from package import module` imports the module too.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def _runs_keras_itself(names):
    return (
        any(name == "keras" or name.startswith("keras.") for name in names)
        or "subprocess" in names
    )


@functools.cache
def reaches_keras(path):
    """Whether the module at `path` may run Keras (see the module docstring)."""
    pending, seen = [Path(path).resolve()], set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        names = _imports(module)
        if _runs_keras_itself(names):
            return True
        for name in names:
            if name.split(".")[0] in OWN_PACKAGES:
                found = _module_file(name)
                if found is not None:
                    pending.append(found)
    return False


def module_reaches_keras(path):
    """`reaches_keras` of a test module together with its folders' conftests."""
    path = Path(path).resolve()
    conftests = [
        folder / "conftest.py"
        for folder in path.parents
        if ROOT / "tests" in (folder, *folder.parents)
    ]
    modules = [path] + [c for c in conftests if c.is_file() and c != ROOT_CONFTEST]
    return any(reaches_keras(module) for module in modules)
