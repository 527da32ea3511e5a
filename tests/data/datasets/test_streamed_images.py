import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.datasets.streamed_images import StreamedImages


def _images(count):
    values = np.arange(count * 2 * 2 * 3, dtype=np.float32).reshape(count, 2, 2, 3)
    return values, tf.data.Dataset.from_tensor_slices(values)


def test_batches_are_the_images_in_order_and_every_pass_reads_again():
    values, dataset = _images(5)
    images = StreamedImages(dataset, 5)
    assert len(images) == 5
    for _ in range(2):
        batches = list(images.batches(2))
        assert [len(b) for b in batches] == [2, 2, 1]
        np.testing.assert_array_equal(np.concatenate(batches), values)


@pytest.mark.parametrize(
    "dataset, count, match",
    [
        (np.zeros((2, 2, 2, 3)), 2, "dataset=ndarray"),
        (None, 2, "dataset=NoneType"),
        ("images", 0, "dataset=str"),
    ],
)
def test_bad_construction_names_the_value(dataset, count, match):
    with pytest.raises(ValueError, match=match):
        StreamedImages(dataset, count)


def test_bad_count_and_batch_size_name_the_value():
    _, dataset = _images(2)
    with pytest.raises(ValueError, match="count=0"):
        StreamedImages(dataset, 0)
    with pytest.raises(ValueError, match="Received: 0"):
        StreamedImages(dataset, 2).batches(0)
