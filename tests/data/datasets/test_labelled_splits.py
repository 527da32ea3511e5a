import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.datasets.labelled_splits import labelled_arrays
from keras_landmarks.data.datasets.labelled_splits import labelled_stream
from keras_landmarks.data.datasets.labelled_splits import pair_landmarks
from keras_landmarks.data.datasets.labelled_splits import read_labelled_splits


def _labelled(count, offset=0.0):
    images = np.arange(count * 4 * 4 * 3, dtype=np.uint8).reshape(count, 4, 4, 3)
    landmarks = offset + np.arange(count * 2 * 2, dtype=np.float64).reshape(count, 2, 2)
    return tf.data.Dataset.from_tensor_slices({"image": images, "landmarks": landmarks})


def test_labelled_arrays_stack_float32_up_to_the_limit():
    images, landmarks = labelled_arrays(_labelled(3), limit=2)
    assert images.shape == (2, 4, 4, 3) and images.dtype == np.float32
    assert landmarks.dtype == np.float32
    np.testing.assert_array_equal(landmarks[1], [[4, 5], [6, 7]])
    assert len(labelled_arrays(_labelled(3))[0]) == 3
    with pytest.raises(ValueError, match="No labelled images"):
        labelled_arrays(_labelled(3).take(0))


def test_labelled_stream_keeps_the_landmarks_and_streams_the_same_images():
    images, landmarks = labelled_stream(_labelled(5), limit=3)
    arrays = labelled_arrays(_labelled(5), limit=3)
    assert len(images) == 3 and landmarks.dtype == np.float32
    np.testing.assert_array_equal(landmarks, arrays[1])
    streamed = np.concatenate(list(images.batches(2)))
    np.testing.assert_array_equal(streamed, arrays[0])
    with pytest.raises(ValueError, match="No labelled images"):
        labelled_stream(_labelled(3).take(0))


def test_pair_landmarks_are_the_targets():
    pairs = tf.data.Dataset.from_tensor_slices(
        {
            "source": np.zeros((2, 4, 4, 3), np.float32),
            "target": np.ones((2, 4, 4, 3), np.float32),
            "target_landmarks": np.full((2, 1, 2), 7.0, np.float32),
        }
    )
    images, landmarks = pair_landmarks(pairs, 1)
    assert images.shape == (1, 4, 4, 3) and np.all(images == 1)
    np.testing.assert_array_equal(landmarks, [[[7.0, 7.0]]])


def test_read_labelled_splits_reads_the_regression_and_the_test_split():
    def reader(root, split, image_size):
        assert (root, image_size) == ("root", 4)
        return _labelled(3, offset=100.0 if split == "test" else 0.0)

    splits = read_labelled_splits(
        reader, "root", 4, ("train", "test"), (None, 1), name="x", metric="m"
    )
    assert isinstance(splits, LabelledSplits)
    assert len(splits.train_images) == 3 and len(splits.test_images) == 1
    assert splits.test_landmarks[0, 0, 0] == 100.0
    assert (splits.name, splits.metric, splits.distance) == ("x", "m", 6.0)
