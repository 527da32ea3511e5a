import logging

from keras_landmarks.data.bad_files import num_skipped_files
from keras_landmarks.data.bad_files import report_bad_file
from keras_landmarks.data.bad_files import reset_skipped_files
from keras_landmarks.data.bad_files import skipped_files


def test_report_logs_and_counts(caplog):
    reset_skipped_files()
    with caplog.at_level(logging.WARNING, logger="keras_landmarks.data"):
        report_bad_file("/x/broken.jpg", "truncated")
    assert num_skipped_files() == 1
    assert skipped_files() == [("/x/broken.jpg", "truncated")]
    assert "broken.jpg" in caplog.text and "truncated" in caplog.text
    reset_skipped_files()
    assert num_skipped_files() == 0
