"""VoxCeleb face-track frames as frame pairs.

Where to get it (the code never downloads): VoxCeleb1 from
https://www.robots.ox.ac.uk/~vgg/data/voxceleb/ (the "faces" release of
cropped face-track frames, `unzippedFaces`). Expected layout::

    root/<identity>/1.6/<video id>/<frame>.jpg   (official unzippedFaces)
    root/<identity>/<video id>/<frame>.jpg       (also accepted)

`root` is the `unzippedFaces` folder. Each folder of frames is one video.
Split as VoxCeleb1 verification: identities whose names start with "E" are
the test set, all others train.
"""

from pathlib import Path

from keras_landmarks.data.files.file_listing import find_files
from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_sources import FrameFiles

# VoxCeleb1 (Nagrani et al. 2017): identities starting with "E" are held out.
TEST_IDENTITY_PREFIX = "E"
SPLITS = ("train", "test", "all")


def voxceleb_videos(root, split="train"):
    """Lists the frame files of every VoxCeleb video of `split`.

    Returns:
        list of lists of frame paths (sorted), one list per video.

    Raises:
        ValueError: `root` is missing or has no `<identity>/.../<frame>.jpg`.
    """
    if split not in SPLITS:
        raise ValueError(f"`split` must be one of {SPLITS}. Received: split={split!r}")
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"Expected the VoxCeleb unzippedFaces folder at {root}.")
    videos = {}
    for path in find_files(root, IMAGE_EXTENSIONS, recursive=True):
        videos.setdefault(Path(path).parent, []).append(path)
    selected = []
    for folder in sorted(videos):
        identity = folder.relative_to(root).parts[0]
        is_test = identity.startswith(TEST_IDENTITY_PREFIX)
        if split == "all" or is_test == (split == "test"):
            if folder != root:
                selected.append(sorted(videos[folder]))
    if not selected:
        raise ValueError(
            f"Expected frames as {root}/<identity>/1.6/<video>/<frame>.jpg for "
            f"split {split!r}; found none."
        )
    return selected


def voxceleb_pairs(root, split="train", image_size=128, validate=True, **kwargs):
    """Frame pairs of VoxCeleb face tracks (`frame_pairs` of `FrameFiles`).

    Args:
        root: str or path-like, the `unzippedFaces` folder.
        split: "train", "test" or "all".
        image_size: int, default 128.
        validate: bool, default True. Check every frame file first.
        **kwargs: passed to `frame_pairs` (seed, min_gap, max_gap, flip,
            swap, num_pairs, shuffle_videos, ...).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"} dicts.
    """
    source = FrameFiles(voxceleb_videos(root, split), validate=validate)
    return frame_pairs(source, image_size, **kwargs)
