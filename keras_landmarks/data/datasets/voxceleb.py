"""VoxCeleb face-track frames as frame pairs.

Where to get it (the code never downloads): VoxCeleb1 from
https://www.robots.ox.ac.uk/~vgg/data/voxceleb/ (the "faces" release of
cropped face-track frames, `unzippedFaces`). Expected layout::

    root/<identity>/1.6/<video id>/<frame>.jpg   (official unzippedFaces)
    root/<identity>/<video id>/<frame>.jpg       (also accepted)

`root` is the `unzippedFaces` folder. Each folder of frames is one video.
Split as VoxCeleb1 verification: identities whose names start with "E" are
the test set, all others train. `excluded_identities` (e.g. read with
`read_identity_list` from a file of the identities that also appear in the
MAFL/AFLW test sets, as the paper drops them from training) are left out of
every split, counted and logged.
"""

import logging
from pathlib import Path

from keras_landmarks.data.datasets.annotation_files import read_name_list
from keras_landmarks.data.files.file_listing import find_files
from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_sources import FrameFiles

# VoxCeleb1 (Nagrani et al. 2017): identities starting with "E" are held out.
TEST_IDENTITY_PREFIX = "E"
SPLITS = ("train", "test", "all")

logger = logging.getLogger("keras_landmarks.data")


def read_identity_list(path):
    """The identity names of a text file, one a line (first token; blank lines
    and lines starting with "#" ignored), as a frozenset.

    Raises:
        ValueError: the file is missing.
    """
    if not Path(path).is_file():
        raise ValueError(
            f"Expected a file of VoxCeleb identity names, one a line, at {path}."
        )
    return frozenset(n for n in read_name_list(path) if not n.startswith("#"))


def voxceleb_identities(root):
    """The identity folder names under the `unzippedFaces` folder `root`."""
    return frozenset(p.name for p in Path(root).iterdir() if p.is_dir())


def voxceleb_videos(root, split="train", excluded_identities=()):
    """Lists the frame files of every VoxCeleb video of `split`.

    Args:
        root: str or path-like, the `unzippedFaces` folder.
        split: "train", "test" or "all".
        excluded_identities: identity folder names whose videos are left out
            (counted and logged), default none.

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
    excluded_identities = frozenset(excluded_identities)
    selected = []
    dropped = set()
    for folder in sorted(videos):
        identity = folder.relative_to(root).parts[0]
        is_test = identity.startswith(TEST_IDENTITY_PREFIX)
        if split == "all" or is_test == (split == "test"):
            if folder == root:
                continue
            if identity in excluded_identities:
                dropped.add(identity)
                continue
            selected.append(sorted(videos[folder]))
    if dropped:
        logger.info(
            "VoxCeleb %s: left out %d excluded identities (%s)",
            split,
            len(dropped),
            ", ".join(sorted(dropped)[:5]) + (", ..." if len(dropped) > 5 else ""),
        )
    if not selected:
        raise ValueError(
            f"Expected frames as {root}/<identity>/1.6/<video>/<frame>.jpg for "
            f"split {split!r}; found none"
            + (f" after excluding {len(dropped)} identities." if dropped else ".")
        )
    return selected


def voxceleb_pairs(
    root,
    split="train",
    image_size=128,
    excluded_identities=(),
    validate=True,
    **kwargs,
):
    """Frame pairs of VoxCeleb face tracks (`frame_pairs` of `FrameFiles`).

    Args:
        root: str or path-like, the `unzippedFaces` folder.
        split: "train", "test" or "all".
        image_size: int, default 128.
        excluded_identities: identities left out (see `voxceleb_videos`).
        validate: bool, default True. Check every frame file first.
        **kwargs: passed to `frame_pairs` (seed, min_gap, max_gap, flip,
            swap, num_pairs, shuffle_videos, ...).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"} dicts.
    """
    source = FrameFiles(
        voxceleb_videos(root, split, excluded_identities), validate=validate
    )
    return frame_pairs(source, image_size, **kwargs)
