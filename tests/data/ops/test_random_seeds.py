import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.random_seeds import split_seed


def test_element_seed_is_seed_and_index():
    np.testing.assert_array_equal(element_seed(7, tf.constant(3)), [7, 3])


def test_split_seeds_differ_and_repeat():
    a, b = split_seed(tf.constant([1, 2], tf.int64), 2)
    a2, _ = split_seed(tf.constant([1, 2], tf.int64), 2)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, a2)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_check_seed_rejects(seed):
    with pytest.raises(ValueError, match="Received: seed="):
        check_seed(seed)
