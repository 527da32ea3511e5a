"""The inputs of a detection run: image and video files, named uniquely."""

import collections
import os
from pathlib import Path

from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.files.video_files import VIDEO_EXTENSIONS

InputFile = collections.namedtuple("InputFile", ["name", "path", "kind"])
InputFile.__doc__ = """One input of a detection run.

Fields:
    name: str, the path relative to the folder holding all the inputs: unique
        per input, so two files with one stem (a/face.jpg, a/face.png,
        b/face.jpg) get distinct output names.
    path: `pathlib.Path` as given (or found in a given folder).
    kind: "image", "video", or None for a file given by name whose suffix is
        neither (the run skips it with a reason).
"""


def input_kind(path):
    """ "image", "video" or None, from the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return "image"
    if suffix in VIDEO_EXTENSIONS:
        return "video"
    return None


def collect_inputs(inputs):
    """The `InputFile`s of image files, videos and folders (searched recursively).

    In a folder only files with an image or video suffix are inputs; each
    file is listed once however it was given.

    Args:
        inputs: sequence of str or path-like, files and folders.

    Returns:
        list of `InputFile`, in the order given (folders sorted).

    Raises:
        ValueError: nothing to read in `inputs`.
    """
    found, seen = [], set()
    for item in inputs:
        path = Path(item)
        children = sorted(path.rglob("*")) if path.is_dir() else [path]
        for child in children:
            kind = input_kind(child)
            if (kind is None and child is not path) or child.is_dir():
                continue  # other files in a folder are not inputs
            if child.resolve() not in seen:
                seen.add(child.resolve())
                found.append((child, kind))
    if not found:
        raise ValueError(f"no images or videos found in {', '.join(map(str, inputs))}")
    base = os.path.commonpath(
        [
            os.path.dirname(os.path.abspath(os.fspath(item).rstrip("/\\") or "/"))
            for item in inputs
        ]
    )
    return [
        InputFile(os.path.relpath(os.path.abspath(path), base), path, kind)
        for path, kind in found
    ]
