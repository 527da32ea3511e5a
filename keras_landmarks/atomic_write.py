"""Writing a file so that no reader (and no crash) ever sees it half-written."""

import os


def replace_atomically(path, write):
    """Writes `path` through `write(file)` into a temporary file, then renames.

    Args:
        path: str or path-like, the file to (re)place.
        write: callable taking the open text file (opened with `newline=""`,
            as the csv module wants).
    """
    path = os.fspath(path)
    partial = f"{path}.{os.getpid()}.partial"
    try:
        with open(partial, "w", newline="") as f:
            write(f)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
