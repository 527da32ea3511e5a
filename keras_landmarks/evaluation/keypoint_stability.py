"""How far each keypoint moves between two views of one object.

For pairs of neighbouring viewpoints (SmallNORB) a keypoint that stays on the
same part of the object moves little; the paper shows the most stable ones.
"""

import numpy as np


def keypoint_stability(model, pairs, num_pairs):
    """Mean pixel distance each keypoint moves between the two images of a pair.

    Args:
        model: a `LandmarkModel` (anything with its `predict_keypoints`).
        pairs: unbatched `tf.data.Dataset` of pair dicts {"source", "target"},
            e.g. held-out neighbouring viewpoints.
        num_pairs: int, the first `num_pairs` pairs are measured.

    Returns:
        `(order, distances)`: keypoint indices from most to least stable and
        the `(K,)` mean distances in pixels.

    Raises:
        ValueError: `pairs` is empty.
    """
    arrays = list(pairs.take(num_pairs).batch(num_pairs).as_numpy_iterator())
    if not arrays:
        raise ValueError("No pairs to measure keypoint stability on.")
    batch = arrays[0]
    source = model.predict_keypoints(batch["source"])
    target = model.predict_keypoints(batch["target"])
    distances = np.linalg.norm(source - target, axis=-1).mean(axis=0)
    return np.argsort(distances), distances
