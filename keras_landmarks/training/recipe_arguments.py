"""The command line of the recipes in `recipes/`: options and their errors.

A recipe's hyperparameters are one dataclass; `parse_overrides` applies
`--key=value` arguments to it (checked against the field types and
`CHOICES`), `run_main` turns a `RecipeError` into a one-line exit, and
`require_folder` / `data_errors` / `check_pairs` make a missing or malformed
data folder fail with a message saying what was expected.
"""

import contextlib
import dataclasses
import os
import sys
import types
import typing

import tensorflow as tf

from keras_landmarks.models.presets import ARCHITECTURES
from keras_landmarks.models.presets import architecture_arguments
from keras_landmarks.precision import PRECISIONS

# Paper Table 2 rows: the reconstruction loss and the bottleneck.
LOSSES = ("perceptual", "pixel_l1", "pixel_l2", "adversarial_l1", "adversarial_l2")
BOTTLENECKS = ("keypoints", "dense")
# Fields whose values `parse_overrides` checks, wherever a recipe has them.
CHOICES = {"loss": LOSSES, "bottleneck": BOTTLENECKS, "precision": PRECISIONS}
# How `describe_config` names the values `--architecture` takes.
ARCHITECTURE_VALUES = (
    f"one of {', '.join(ARCHITECTURES)} or widths "
    "ENCODER_FILTERS/ENCODER_STRIDES/GENERATOR_FILTERS"
)


class RecipeError(ValueError):
    """A recipe was given a bad option or bad data; the message says what."""


def _convert(text, kind, key):
    """`text` as `kind` (a type annotation), or a RecipeError naming `key`."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        if text.lower() in ("none", "") and len(options) < len(typing.get_args(kind)):
            return None
        for option in options:
            try:
                return _convert(text, option, key)
            except RecipeError:
                continue
        raise RecipeError(f"--{key}={text!r} is not a valid {kind}.")
    if origin is tuple:
        (item,) = {a for a in typing.get_args(kind) if a is not Ellipsis}
        parts = [p for p in text.split(",") if p.strip()]
        return tuple(_convert(p.strip(), item, key) for p in parts)
    if kind is bool:
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise RecipeError(f"--{key} must be True or False. Received: --{key}={text}")
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            raise RecipeError(
                f"--{key} must be {'an int' if kind is int else 'a number'}. "
                f"Received: --{key}={text}"
            ) from None
    if kind is str:
        return text
    raise RecipeError(f"--{key}: unsupported field type {kind!r}.")


def parse_overrides(config, argv):
    """A copy of the dataclass `config` with `--key=value` overrides applied.

    Each key must be a field of `config`; each value is converted to the
    field's annotated type (int, float, str, bool, `X | None`, `tuple[X, ...]`
    written `a,b,c`). `--help` lists the fields and their defaults.

    Raises:
        RecipeError: naming the bad key or value and the valid keys.
    """
    hints = typing.get_type_hints(type(config))
    fields = {field.name: field for field in dataclasses.fields(config)}
    changes = {}
    for argument in argv:
        if argument in ("-h", "--help"):
            print(describe_config(config))
            raise SystemExit(0)
        key, sep, value = argument.partition("=")
        if not key.startswith("--") or not sep:
            raise RecipeError(
                f"Arguments must look like --key=value. Received: {argument!r}\n"
                + describe_config(config)
            )
        key = key[2:]
        if key not in fields:
            raise RecipeError(
                f"Unknown option --{key}. Valid options:\n" + describe_config(config)
            )
        changes[key] = _convert(value, hints[key], key)
    config = dataclasses.replace(config, **changes)
    for name, choices in CHOICES.items():
        if hasattr(config, name):
            check_choice(name, getattr(config, name), choices)
    if hasattr(config, "architecture"):
        check_architecture(config.architecture)
    return config


def describe_config(config):
    """One line per field: `--name=default  (type)`, or its `CHOICES`."""
    hints = typing.get_type_hints(type(config))
    lines = []
    for field in dataclasses.fields(config):
        kind = getattr(hints[field.name], "__name__", hints[field.name])
        if field.name in CHOICES:
            kind = "one of " + ", ".join(CHOICES[field.name])
        if field.name == "architecture":
            kind = ARCHITECTURE_VALUES
        lines.append(f"  --{field.name}={getattr(config, field.name)!r}  ({kind})")
    return "\n".join(lines)


def check_choice(name, value, choices):
    """Raises a RecipeError unless `value` is among `choices`."""
    if value not in choices:
        raise RecipeError(f"--{name} must be one of {choices}. Received: {value!r}")


def check_architecture(architecture):
    """`architecture_arguments(architecture)`, or a RecipeError saying why not."""
    try:
        return architecture_arguments(architecture)
    except ValueError as error:
        raise RecipeError(f"--architecture: {error}") from None


def run_main(main, argv=None):
    """Runs `main(argv)` as a script: a RecipeError exits with its message."""
    try:
        main(sys.argv[1:] if argv is None else argv)
    except RecipeError as error:
        raise SystemExit(f"error: {error}") from None


def require_folder(path, option, expected):
    """Raises a RecipeError unless `path` is an existing folder.

    Args:
        path: str, the folder given on the command line.
        option: str, the option's name (e.g. `"data_dir"`), for the message.
        expected: str, what the folder must hold (the official layout).
    """
    if not path:
        raise RecipeError(f"Give --{option}=DIR: {expected}")
    if not os.path.isdir(path):
        raise RecipeError(f"--{option}={path} is not a folder. Expected {expected}")
    return path


@contextlib.contextmanager
def data_errors(option, path, expected):
    """Turns a reader's error into a RecipeError that says what was expected."""
    try:
        yield
    except RecipeError:
        raise
    except (ValueError, OSError, KeyError, tf.errors.OpError) as error:
        message = getattr(error, "message", None) or str(error)
        raise RecipeError(
            f"Could not read --{option}={path}: {message}\nExpected {expected}"
        ) from error


@contextlib.contextmanager
def data_folder(option, path, expected):
    """`require_folder(path, option, expected)`, then `data_errors` around the block."""
    require_folder(path, option, expected)
    with data_errors(option, path, expected):
        yield


def check_pairs(pairs, option, path, expected):
    """Reads one pair now, so a bad folder fails here and not inside `fit`."""
    with data_errors(option, path, expected):
        for _ in pairs.take(1):
            return pairs
    raise RecipeError(f"--{option}={path} gave no training pairs. Expected {expected}")
