"""A generic folder of videos as frame pairs (PyAV decoding)."""

from keras_landmarks.data.files.video_files import list_video_files
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.video_frame_source import VideoFiles


def video_folder_pairs(root, image_size=128, recursive=True, **kwargs):
    """Frame pairs from every video file under `root`.

    Expected layout: video files (`.mp4`, `.avi`, `.mkv`, `.mov`, `.webm`,
    `.m4v`, `.mpg`, `.mpeg`) anywhere under `root`, in sorted path order.
    Files that cannot be decoded are skipped, logged and counted.

    Args:
        root: str or path-like.
        image_size: int or `(height, width)`, default 128.
        recursive: bool, default True.
        **kwargs: passed to `frame_pairs` (seed, min_gap, max_gap, flip,
            swap, num_pairs, shuffle_videos, fit, num_parallel_calls).

    Returns:
        `tf.data.Dataset` of {"source", "target", "mask"} dicts.

    Raises:
        ValueError: `root` is missing or holds no video files.
    """
    paths = list_video_files(root, recursive=recursive)
    return frame_pairs(VideoFiles(paths), image_size, **kwargs)
