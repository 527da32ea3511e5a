"""How far each keypoint moves between two views of one object.

For pairs of neighbouring viewpoints (SmallNORB) a keypoint that stays on the
same part of the object moves little; the paper shows the most stable ones.
A keypoint that does not move at all, stuck at one image position whatever the
object and the view, would rank first by that measure although it marks no
part: keypoints whose position varies less than `MIN_SPREAD_PX` over all the
images measured are ranked after every other.
"""

import numpy as np

# Root-mean-square distance from its mean position, over all the images
# measured, below which a keypoint counts as stuck (our choice: half a pixel).
MIN_SPREAD_PX = 0.5


def keypoint_stability(model, pairs, num_pairs, min_spread=MIN_SPREAD_PX):
    """Mean pixel distance each keypoint moves between the two images of a pair.

    Keypoints are ordered by that distance, except that stuck ones (spread
    over all the measured images below `min_spread` pixels, module docstring)
    come last, in the same order among themselves.

    Args:
        model: a `LandmarkModel` (anything with its `predict_keypoints`).
        pairs: unbatched `tf.data.Dataset` of pair dicts {"source", "target"},
            e.g. held-out neighbouring viewpoints.
        num_pairs: int, the first `num_pairs` pairs are measured.
        min_spread: float, default 0.5 pixels.

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
    points = np.concatenate([source, target])  # (2N, K, 2)
    spread = np.sqrt(
        np.mean(np.sum((points - points.mean(axis=0)) ** 2, axis=-1), axis=0)
    )
    stuck = spread < min_spread
    # Sorted by (stuck, distance): every moving keypoint before any stuck one.
    return np.lexsort((distances, stuck)), distances
