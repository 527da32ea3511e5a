import logging

import tensorflow as tf

from keras_landmarks.data.files.bad_files import map_skipping_errors
from keras_landmarks.data.files.bad_files import num_skipped_files
from keras_landmarks.data.files.bad_files import report_bad_file
from keras_landmarks.data.files.bad_files import reset_skipped_files
from keras_landmarks.data.files.bad_files import skipped_files


def test_report_logs_and_counts(caplog):
    reset_skipped_files()
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        report_bad_file("/x/broken.jpg", "truncated")
    assert num_skipped_files() == 1
    assert skipped_files() == [("/x/broken.jpg", "truncated")]
    assert "broken.jpg" in caplog.text and "truncated" in caplog.text
    reset_skipped_files()
    assert num_skipped_files() == 0


def test_map_skipping_errors_drops_and_counts():
    reset_skipped_files()
    strings = tf.data.Dataset.from_tensor_slices(["1", "x", "3", "y", "5"])
    numbers = map_skipping_errors(strings, tf.strings.to_number, num_parallel_calls=2)
    assert [float(v) for v in numbers] == [1.0, 3.0, 5.0]
    assert num_skipped_files() == 2
    assert [float(v) for v in numbers] == [1.0, 3.0, 5.0]  # a second pass
    assert num_skipped_files() == 4
    reset_skipped_files()
    assert num_skipped_files() == 0
