"""The paper's training picture: source | target | reconstruction | keypoints."""

from keras_landmarks.visualization.drawing import DEFAULT_MIN_SIZE
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import check_array
from keras_landmarks.visualization.drawing import check_keypoints
from keras_landmarks.visualization.drawing import check_same_length
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.drawing import grid
from keras_landmarks.visualization.drawing import to_uint8
from keras_landmarks.visualization.drawing import upscale
from keras_landmarks.visualization.drawing import upscale_factor

QUADRUPLET_TITLES = ("source", "target", "reconstruction", "keypoints")


def quadruplets(
    source,
    target,
    reconstruction,
    keypoints,
    min_size=DEFAULT_MIN_SIZE,
    labels=False,
    titles=True,
    gutter=GUTTER,
):
    """One row per pair: source | target | reconstruction | keypoints on target.

    Args:
        source, target, reconstruction: `(N, H, W, 3)` on [0, 255];
            reconstructions are clipped.
        keypoints: `(N, K, 2)` pixel (x, y) in the target images.
        min_size: int or None, default 128. Panels are enlarged by the integer
            nearest-neighbour factor `ceil(min_size / min(H, W))`.
        labels: bool, default False. Write keypoint indices.
        titles: bool, default True. Column titles above the first row.
        gutter: white pixels between panels, default `GUTTER`.

    Returns:
        `(rows, cols, 3)` uint8 picture (see `drawing.grid` for the layout).
    """
    source = check_array(source, "source", 4, last_dim=3)
    target = check_array(target, "target", 4, last_dim=3)
    reconstruction = check_array(reconstruction, "reconstruction", 4, last_dim=3)
    check_same_length(source=source, target=target, reconstruction=reconstruction)
    keypoints = check_keypoints(keypoints, "keypoints", len(target))
    if len(target) == 0:
        raise ValueError("quadruplets needs at least one pair. Received: 0 pairs")
    for name, images in (("source", source), ("reconstruction", reconstruction)):
        if images.shape[1:3] != target.shape[1:3]:
            raise ValueError(
                f"`{name}` and `target` must have the same image size. Received: "
                f"{name}.shape={images.shape}, target.shape={target.shape}"
            )
    factor = upscale_factor(*target.shape[1:3], min_size)
    rows = []
    for i in range(len(target)):
        rows.append(
            [
                upscale(to_uint8(source[i]), factor),
                upscale(to_uint8(target[i]), factor),
                upscale(to_uint8(reconstruction[i]), factor),
                draw_keypoints(target[i], keypoints[i], scale=factor, labels=labels),
            ]
        )
    return grid(
        rows, gutter=gutter, column_titles=QUADRUPLET_TITLES if titles else None
    )
