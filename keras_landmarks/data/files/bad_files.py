"""Log and count of unreadable input files that the pipelines skipped.

A training run must not die at step 10,000 on one bad file. Two layers:

1. The readers check every file when they build their index
   (`check_image_file`; PyAV probing for videos) and leave the bad ones out;
   each is logged with `logging` (logger "keras_landmarks.data") and recorded
   here with its path. Video frames that fail to decode later are too.
2. A file that passes the check but still fails to decode inside the
   pipeline (corrupt data in the middle of a JPEG) is dropped by
   `map_skipping_errors`: tf.data's `ignore_errors(log_warning=True)` logs
   TensorFlow's error message (through TensorFlow's own logger, without the
   path) and a counter adds it to `num_skipped_files()`.

Example:

>>> reset_skipped_files()
>>> num_skipped_files()
0
"""

import logging
import threading

import tensorflow as tf

logger = logging.getLogger("keras_landmarks.data")

_lock = threading.Lock()
_skipped = []
_dropped_counters = []


def report_bad_file(path, reason, log=True):
    """Logs a warning for `path` and adds it to the skipped-files record.

    Args:
        path: str or path-like, the file that was skipped.
        reason: str, why it was skipped.
        log: bool, default True. False records it without a log line (a file
            that fails again: one line per file is enough).
    """
    if log:
        logger.warning("Skipping unreadable file %s: %s", path, reason)
    with _lock:
        _skipped.append((str(path), str(reason)))


def skipped_files():
    """Returns a list of `(path, reason)` for every file skipped so far."""
    with _lock:
        return list(_skipped)


def num_skipped_files():
    """How many files or elements were skipped so far in this process.

    Counts the files in `skipped_files()` plus the elements that
    `map_skipping_errors` dropped in pipelines that have run (those are only
    known once the pipeline has got past them).
    """
    with _lock:
        dropped = sum(int(counter.numpy()) for counter in _dropped_counters)
        return len(_skipped) + dropped


def reset_skipped_files():
    """Clears the record and the counters (e.g. between datasets or tests)."""
    with _lock:
        _skipped.clear()
        for counter in _dropped_counters:
            counter.assign(0)


def map_skipping_errors(dataset, function, num_parallel_calls=tf.data.AUTOTUNE):
    """`dataset.map(function)` that drops and counts elements whose map fails.

    Elements keep their order (`deterministic=True`). A dropped element shows
    up as a gap in the element indices, which a final sequential map adds to
    a counter read by `num_skipped_files()`. An element dropped at the very
    end of a pass is counted only if the pass continues (e.g. `repeat()`).

    Args:
        dataset: `tf.data.Dataset`.
        function: maps one element (a single structure) to the output.
        num_parallel_calls: int, default `tf.data.AUTOTUNE`.

    Returns:
        `tf.data.Dataset` of `function`'s outputs for the elements it could map.

    Example:

    >>> paths = tf.data.Dataset.from_tensor_slices(["a.jpg", "broken.jpg"])
    >>> images = map_skipping_errors(paths, decode_image)
    """
    dropped = tf.Variable(0, dtype=tf.int64, trainable=False)
    last = tf.Variable(-1, dtype=tf.int64, trainable=False)
    with _lock:
        _dropped_counters.append(dropped)
    mapped = dataset.enumerate().map(
        lambda index, element: (index, function(element)),
        num_parallel_calls=num_parallel_calls,
        deterministic=True,
    )
    mapped = mapped.ignore_errors(log_warning=True)

    def count_gap(index, element):
        # A smaller index than the last one means a new pass over the data.
        gap = tf.where(index > last, index - last - 1, index)
        with tf.control_dependencies([dropped.assign_add(gap), last.assign(index)]):
            return tf.nest.map_structure(tf.identity, element)

    return mapped.map(count_gap)
