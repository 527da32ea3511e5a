"""The first pairs of every frame source, against pairs stored before the
frame sources were unified (`frame_pairs_golden.npz`): one builder, same pairs.

Regenerate only on purpose: `python -m tests.data.pairs.test_frame_pairs_golden`.
"""

import os
import sys
from pathlib import Path

import numpy as np

from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_sources import FrameArrays
from keras_landmarks.data.pairs.frame_sources import FrameFiles
from keras_landmarks.data.pairs.frame_sources import frame_folders
from keras_landmarks.data.pairs.video_frame_source import VideoFiles
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_image
from tests.data.fixtures import write_video

GOLDEN = Path(__file__).with_name("frame_pairs_golden.npz")
NUM_PAIRS = 8


def _videos(num_videos=3, length=24):
    """Counter frames, each video marked in the green channel: exact after
    PNG and after the lossless-luma video of `write_video` (grey frames)."""
    frames = np.stack(
        [counter_frames(length, 12, 16, step=5) for _ in range(num_videos)]
    )
    frames[..., 1] += (np.arange(num_videos) * 40).astype(np.uint8)[:, None, None, None]
    return frames


def _pairs(dataset):
    elements = list(dataset.take(NUM_PAIRS).as_numpy_iterator())
    return {k: np.stack([e[k] for e in elements]) for k in elements[0]}


def current_pairs(folder):
    """`{source name: {key: stacked first pairs}}` with the code as it is."""
    frames = _videos()
    points = np.random.default_rng(0).uniform(0, 15, (3, 24, 2, 2)).astype("float32")
    boxes = np.tile(np.float32([1, 2, 14, 11]), (3, 24, 1))
    files = []
    for v, video in enumerate(frames):
        files.append(
            [
                write_image(folder / f"v{v}" / f"{t:03d}.png", f)
                for t, f in enumerate(video)
            ]
        )
    grey = [
        write_video(folder / f"g{v}.mp4", counter_frames(24, 16, 16, step=5 + v))
        for v in range(3)
    ]
    return {
        "arrays": _pairs(frame_pairs(FrameArrays(frames), seed=3, num_pairs=NUM_PAIRS)),
        "arrays_annotated": _pairs(
            frame_pairs(
                FrameArrays(frames, points, boxes),
                8,
                seed=4,
                max_gap=9,
                num_pairs=NUM_PAIRS,
            )
        ),
        "frame_files": _pairs(
            frame_pairs(
                FrameFiles(files, boxes=list(boxes), landmarks=list(points)),
                8,
                seed=5,
                num_pairs=NUM_PAIRS,
            )
        ),
        "folders": _pairs(
            frame_pairs(frame_folders(folder), 10, seed=6, num_pairs=NUM_PAIRS)
        ),
        "video_files": _pairs(
            frame_pairs(
                VideoFiles(grey, landmarks=list(points)),
                8,
                seed=7,
                min_gap=2,
                max_gap=5,
                num_pairs=NUM_PAIRS,
            )
        ),
    }


def _flat(pairs):
    return {f"{name}/{k}": v for name, p in pairs.items() for k, v in p.items()}


def test_every_source_gives_the_stored_pairs(tmp_path):
    stored = np.load(GOLDEN)
    now = _flat(current_pairs(tmp_path))
    assert sorted(now) == sorted(stored.files)
    for key, value in now.items():
        np.testing.assert_allclose(value, stored[key], atol=1e-3, err_msg=key)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        np.savez_compressed(GOLDEN, **_flat(current_pairs(Path(folder))))
    print(f"wrote {GOLDEN}", file=sys.stderr)
    os._exit(0)
