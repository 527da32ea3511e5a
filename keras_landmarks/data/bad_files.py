"""Log and count of unreadable input files that the pipelines skipped.

A training run must not die at step 10,000 on one bad file. The readers check
every file when they build their index (`check_image_file`, and PyAV probing
for videos) and leave the bad ones out; video frames that fail to decode while
the pipeline runs are skipped too. Each skip is logged with `logging` (logger
"keras_landmarks.data") and recorded here.

Example:

>>> reset_skipped_files()
>>> num_skipped_files()
0
"""

import logging
import threading

logger = logging.getLogger("keras_landmarks.data")

_lock = threading.Lock()
_skipped = []


def report_bad_file(path, reason):
    """Logs a warning for `path` and adds it to the skipped-files record.

    Args:
        path: str or path-like, the file that was skipped.
        reason: str, why it was skipped.
    """
    logger.warning("Skipping unreadable file %s: %s", path, reason)
    with _lock:
        _skipped.append((str(path), str(reason)))


def skipped_files():
    """Returns a list of `(path, reason)` for every file skipped so far."""
    with _lock:
        return list(_skipped)


def num_skipped_files():
    """Returns how many files were skipped so far in this process."""
    with _lock:
        return len(_skipped)


def reset_skipped_files():
    """Clears the record (e.g. between datasets or tests)."""
    with _lock:
        _skipped.clear()
