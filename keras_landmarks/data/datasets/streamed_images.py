"""Images streamed from a dataset a batch at a time, never all in memory."""

import dataclasses

import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class StreamedImages:
    """A split's images, decoded lazily from a `tf.data.Dataset` per batch.

    Stands in for an `(N, H, W, 3)` array where a split is too large to hold
    (BBC-Pose's annotated training frames): `run.predict_points` reads it
    `batch_size` images at a time, so memory holds one batch plus tf.data's
    read-ahead, never the split. Every pass reads the files again.

    Attributes:
        dataset: unbatched `tf.data.Dataset` of float32 `(H, W, 3)` images in
            [0, 255], the same images in the same order on every pass.
        count: int, the number of images (`len()`).

    Example:

    >>> import numpy as np
    >>> images = StreamedImages(tf.data.Dataset.from_tensor_slices(
    ...     np.zeros((5, 8, 8, 3), "float32")), 5)
    >>> [len(batch) for batch in images.batches(2)]
    [2, 2, 1]
    """

    dataset: tf.data.Dataset
    count: int

    def __post_init__(self):
        if not isinstance(self.dataset, tf.data.Dataset):
            raise ValueError(
                "`dataset` must be a tf.data.Dataset. "
                f"Received: dataset={type(self.dataset).__name__}"
            )
        if not isinstance(self.count, int) or self.count < 1:
            raise ValueError(
                f"`count` must be a positive int. Received: count={self.count!r}"
            )

    def __len__(self):
        return self.count

    def batches(self, batch_size):
        """Numpy float32 `(<= batch_size, H, W, 3)` batches, read as iterated."""
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(
                f"`batch_size` must be a positive int. Received: {batch_size!r}"
            )
        return self.dataset.batch(batch_size).as_numpy_iterator()
