"""Training pairs from a short text spec, for the command line and recipes."""

import tensorflow as tf

from keras_landmarks.data.datasets.image_folder import image_folder_pairs
from keras_landmarks.data.datasets.video_folder import video_folder_pairs
from keras_landmarks.data.ops.framing import DEFAULT_FIT
from keras_landmarks.data.pairs.frame_pairs import ENDLESS
from keras_landmarks.data.pairs.frame_pairs import MAX_GAP
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_sources import FrameArrays
from keras_landmarks.data.pairs.frame_sources import frame_folders
from keras_landmarks.data.pairs.tps_pairs import tps_pairs
from keras_landmarks.data.pairs.warped_target import with_warped_target
from keras_landmarks.data.synthetic.faces import make_faces
from keras_landmarks.data.synthetic.figures import make_figure_sequences

# Sizes of the in-memory synthetic training sets (CPU-TRAINING.md: 8000 faces).
SYNTHETIC_FACES = 8000
SYNTHETIC_SEQUENCES = 200
SYNTHETIC_SEQUENCE_LENGTH = 40

SPECS = {
    "synthetic-faces": "faces drawn once in memory, thin-plate-spline pairs",
    "synthetic-figures": "articulated figures moving over time, frame pairs",
    "images:DIR": "a folder of images, thin-plate-spline pairs",
    "videos:DIR": "a folder of video files, frame pairs",
    "frames:DIR": "one sub-folder of frames per video, frame pairs",
}
# The specs whose pairs are thin-plate-spline warps of still images.
WARPED_KINDS = ("synthetic-faces", "images")


def training_pairs(
    spec,
    image_size,
    seed=0,
    return_grid=False,
    fit=DEFAULT_FIT,
    boxes=None,
    min_gap=None,
    max_gap=None,
):
    """An endless, shuffled `tf.data.Dataset` of pair dicts for `spec`.

    Video and frame folders give pairs from the videos in a random order per
    round (`frame_pairs(..., shuffle_videos=True)`), so a batch mixes videos.

    Args:
        spec: one of `SPECS` (`"synthetic-faces"`, `"images:photos/"`, ...).
        image_size: int, the model's input size.
        seed: int, default 0.
        return_grid: bool, default False. Also yield a known warp for the
            equivariance term: still-image pairs their own ("source_grid"),
            video and frame pairs a warped copy of the target with its grid
            ("warped_target", "warped_target_grid": `with_warped_target`).
        fit: `"crop"` (default) or `"pad"`: how your images and frames keep
            their aspect ratio (`framing_box`); the synthetic data is drawn
            at `image_size`.
        boxes: optional boxes file (`.csv`/`.json`, `boxes_file`) for
            `images:DIR`: each image is cropped to its box first.
        min_gap, max_gap: optional ints, the frame-gap range of video specs
            (default: `frame_pairs`' 3 and 30, the paper's).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"}, unbatched.
    """
    kind, _, path = spec.partition(":")
    gaps = {
        name: value
        for name, value in (("min_gap", min_gap), ("max_gap", max_gap))
        if value is not None
    }
    if gaps and kind in WARPED_KINDS:
        raise ValueError(
            f"Frame gaps apply to video specs; {spec!r} gives warped still "
            f"images. Received: {gaps}"
        )
    if boxes is not None and kind != "images":
        raise ValueError(
            f"A boxes file applies to images:DIR. Received: spec={spec!r}, "
            f"boxes={boxes!r}"
        )
    if kind == "synthetic-faces" and not path:
        images, _ = make_faces(SYNTHETIC_FACES, size=image_size, seed=seed)
        dataset = (
            tf.data.Dataset.from_tensor_slices(images)
            .shuffle(len(images), seed=seed)
            .repeat()
            .map(lambda image: tf.cast(image, tf.float32))
        )
        return tps_pairs(dataset, seed=seed, return_grid=return_grid)
    if kind == "synthetic-figures" and not path:
        frames, _, _ = make_figure_sequences(
            SYNTHETIC_SEQUENCES, SYNTHETIC_SEQUENCE_LENGTH, size=image_size, seed=seed
        )
        gaps.setdefault("max_gap", min(MAX_GAP, SYNTHETIC_SEQUENCE_LENGTH - 1))
        pairs = frame_pairs(FrameArrays(frames), seed=seed, num_pairs=ENDLESS, **gaps)
        return with_warped_target(pairs, seed) if return_grid else pairs
    if kind == "images" and path:
        return image_folder_pairs(
            path,
            image_size,
            seed=seed,
            shuffle_buffer=1000,
            repeat=True,
            return_grid=return_grid,
            fit=fit,
            boxes=boxes,
        )
    # Pair sampling is lazy: an endless index range gives fresh pairs every pass.
    videos = dict(seed=seed, num_pairs=ENDLESS, shuffle_videos=True, fit=fit, **gaps)
    pairs = None
    if kind == "videos" and path:
        pairs = video_folder_pairs(path, image_size, **videos)
    if kind == "frames" and path:
        pairs = frame_pairs(frame_folders(path), image_size, **videos)
    if pairs is not None:
        return with_warped_target(pairs, seed) if return_grid else pairs
    choices = "\n".join(f"  {name:18s} {text}" for name, text in SPECS.items())
    raise ValueError(f"Unknown data spec {spec!r}. Expected one of:\n{choices}")
