"""Checks shared by the dataset readers: required files and text lists."""

import logging
from pathlib import Path

logger = logging.getLogger("keras_landmarks.data")


def find_file(root, candidates, what):
    """Returns the first of `root / c` for `c` in `candidates` that exists.

    Raises:
        ValueError: none exists; the message names every path tried and `what`
            was expected there.
    """
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"Expected the dataset folder {root} ({what}); not found.")
    for candidate in candidates:
        path = root / candidate
        if path.exists():
            return path
    tried = ", ".join(str(root / c) for c in candidates)
    raise ValueError(f"Expected {what} at one of: {tried}; none exists.")


def read_name_list(path):
    """Non-empty lines of a text file, first whitespace-separated token each."""
    with open(path) as f:
        return [line.split()[0] for line in f if line.strip()]


def report_mismatch(what, missing, source):
    """Logs entries of an annotation file that disagree with the files found.

    Args:
        what: str, e.g. "images listed in list_landmarks_align_celeba.txt".
        missing: list of names that have no counterpart.
        source: path of the annotation file.

    Returns:
        the number of mismatches.
    """
    if missing:
        shown = ", ".join(str(m) for m in list(missing)[:5])
        logger.warning(
            "%d %s have no counterpart (%s; e.g. %s); they are left out.",
            len(missing),
            what,
            source,
            shown,
        )
    return len(missing)
