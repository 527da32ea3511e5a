"""Training examples for the colourisation network: grey image, locations, colours.

Larsson et al. train on sparse locations: per image a fixed number of random
pixel positions away from the border, the network's hypercolumn is sampled
there and the loss compares its prediction with the colour there. Numbers:
256 locations per image at least 32 px from the border (github
gustavla/self-supervision, `selfsup/multi/methods/colorize_hypercolumn.py`;
the ECCV Caffe recipe, github gustavla/autocolorize
`train/train_vgg16.prototxt`, samples 128 within [96, 256) of a 352 crop) and a
random horizontal flip (that recipe's `mirror: true`).
"""

import tensorflow as tf

from keras_landmarks.data.ops.random_seeds import check_seed
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.random_seeds import split_seed
from keras_landmarks.integers import is_integer

# selfsup colorize_hypercolumn.py: locations per image and border margin (px).
NUM_LOCATIONS = 256
EDGE_MARGIN = 32


def colorization_examples(
    images, num_locations=NUM_LOCATIONS, edge_margin=EDGE_MARGIN, seed=0
):
    """`(inputs, colours)` examples for `ColorizationNetwork.fit`.

    Args:
        images: `tf.data.Dataset` of `(H, W, 3)` float RGB in [0, 255], H and W
            static.
        num_locations: int, default 256.
        edge_margin: int, default 32: locations lie in `[margin, size - margin)`.
        seed: int, default 0. Seeds the flips and locations (per element).

    Returns:
        Dataset of `({"lightness": (H, W, 1), "locations": (P, 2)}, (P, 3))`:
        the mean of R, G and B in [0, 255], float `(row, column)` pixel
        locations, and the RGB colour at each location.

    Raises:
        ValueError: a bad count, margin or seed, or images too small for the
            margin (the message names the sizes).
    """
    seed = check_seed(seed)
    if not is_integer(num_locations) or num_locations < 1:
        raise ValueError(
            f"`num_locations` must be a positive int. Received: {num_locations!r}"
        )
    if not is_integer(edge_margin) or edge_margin < 0:
        raise ValueError(
            f"`edge_margin` must be a non-negative int. Received: {edge_margin!r}"
        )
    height, width = images.element_spec.shape[:2]
    if height is None or width is None:
        raise ValueError(
            "colorization_examples needs images of a static size. Received: "
            f"shape={images.element_spec.shape}"
        )
    if min(height, width) <= 2 * edge_margin:
        raise ValueError(
            f"Images of {height}x{width} px leave no room for locations "
            f"{edge_margin} px from the border. Received: edge_margin={edge_margin}"
        )

    def example(index, image):
        flip_seed, row_seed, column_seed = split_seed(element_seed(seed, index), 3)
        image = tf.image.stateless_random_flip_left_right(
            tf.cast(image, tf.float32), flip_seed
        )
        rows = tf.random.stateless_uniform(
            (num_locations,),
            row_seed,
            minval=edge_margin,
            maxval=height - edge_margin,
            dtype=tf.int32,
        )
        columns = tf.random.stateless_uniform(
            (num_locations,),
            column_seed,
            minval=edge_margin,
            maxval=width - edge_margin,
            dtype=tf.int32,
        )
        locations = tf.stack([rows, columns], axis=-1)
        inputs = {
            "lightness": tf.reduce_mean(image, axis=-1, keepdims=True),
            "locations": tf.cast(locations, tf.float32),
        }
        return inputs, tf.gather_nd(image, locations)

    return images.enumerate().map(example, num_parallel_calls=tf.data.AUTOTUNE)
