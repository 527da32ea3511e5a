"""Per-element seeds for the stateless random ops of the input pipelines."""

import tensorflow as tf

from keras_landmarks.integers import is_integer


def check_seed(seed):
    """`int(seed)`; raises `ValueError` unless `seed` is a non-negative integer."""
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative int. Received: seed={seed!r}")
    return int(seed)


def element_seed(seed, index):
    """The `(2,)` int64 seed of element `index` for `tf.random.stateless_*` ops.

    Keyed by the pipeline seed and the element's position, so a pipeline gives
    the same elements whatever `num_parallel_calls` is, and different seeds
    give different elements.

    Args:
        seed: int, the pipeline seed.
        index: int64 scalar tensor, the element's position in the dataset.

    Returns:
        int64 tensor of shape `(2,)`.
    """
    return tf.stack([tf.constant(seed, tf.int64), tf.cast(index, tf.int64)], axis=0)


def split_seed(seed, num):
    """Splits a `(2,)` stateless seed into `num` independent `(2,)` seeds."""
    return tf.unstack(tf.random.experimental.stateless_split(seed, num=num), num=num)
