"""Training pairs from a short text spec, for the command line and recipes."""

import tensorflow as tf

from keras_landmarks.data.datasets.image_folder import image_folder_pairs
from keras_landmarks.data.datasets.video_folder import video_folder_pairs
from keras_landmarks.data.pairs.frame_pairs import ENDLESS
from keras_landmarks.data.pairs.frame_pairs import frame_pairs_from_arrays
from keras_landmarks.data.pairs.frame_pairs import frame_pairs_from_folders
from keras_landmarks.data.pairs.tps_pairs import tps_pairs
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


def has_known_warp(spec):
    """Whether `spec`'s pairs are warps of still images (thin-plate splines),
    so each pair can carry its warp for the equivariance term; video and frame
    pairs cannot."""
    kind, _, _ = spec.partition(":")
    return kind in WARPED_KINDS


def training_pairs(spec, image_size, seed=0, return_grid=False):
    """An endless, shuffled `tf.data.Dataset` of pair dicts for `spec`.

    Args:
        spec: one of `SPECS` (`"synthetic-faces"`, `"images:photos/"`, ...).
        image_size: int, the model's input size.
        seed: int, default 0.
        return_grid: bool, default False. Also yield each pair's warp
            ("source_grid"); only for still-image specs (`has_known_warp`).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"}, unbatched.
    """
    if return_grid and not has_known_warp(spec):
        raise ValueError(
            f"{spec!r} gives pairs of video frames, whose warp is unknown: no "
            "'source_grid' (and so no equivariance term) for it. Use "
            "equivariance_weight=0."
        )
    kind, _, path = spec.partition(":")
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
        return frame_pairs_from_arrays(
            frames,
            seed=seed,
            max_gap=min(30, SYNTHETIC_SEQUENCE_LENGTH - 1),
            num_pairs=ENDLESS,
        )
    if kind == "images" and path:
        return image_folder_pairs(
            path,
            image_size,
            seed=seed,
            shuffle_buffer=1000,
            repeat=True,
            return_grid=return_grid,
        )
    # Pair sampling is lazy: an endless index range gives fresh pairs every pass.
    if kind == "videos" and path:
        return video_folder_pairs(path, image_size, seed=seed, num_pairs=ENDLESS)
    if kind == "frames" and path:
        return frame_pairs_from_folders(path, image_size, seed=seed, num_pairs=ENDLESS)
    choices = "\n".join(f"  {name:18s} {text}" for name, text in SPECS.items())
    raise ValueError(f"Unknown data spec {spec!r}. Expected one of:\n{choices}")
