import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.files.bad_files import num_skipped_files
from keras_landmarks.data.files.bad_files import reset_skipped_files
from keras_landmarks.data.ops.random_seeds import element_seed
from keras_landmarks.data.ops.random_seeds import split_seed
from keras_landmarks.data.pairs.frame_pairs import frame_pairs
from keras_landmarks.data.pairs.frame_pairs import frame_rows
from keras_landmarks.data.pairs.frame_pairs import per_frame_table
from keras_landmarks.data.pairs.frame_pairs import plan_frame_pair
from keras_landmarks.data.pairs.frame_pairs import sample_frame_pair
from keras_landmarks.data.pairs.frame_sources import FrameArrays
from keras_landmarks.data.pairs.frame_sources import frame_folders
from tests.data.fixtures import blob_image
from tests.data.fixtures import centroids
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_image
from tests.data.fixtures import write_truncated_jpeg


def _collect(dataset):
    elements = list(dataset.as_numpy_iterator())
    return {k: np.stack([e[k] for e in elements]) for k in elements[0]}


def _gaps(pairs, step=4):
    return np.abs(pairs["source"][:, 0, 0, 0] - pairs["target"][:, 0, 0, 0]) / step


def test_sample_frame_pair_range_and_cap():
    gaps = []
    for index in range(300):
        seed = tf.constant([0, index], tf.int64)
        first, second = sample_frame_pair(100, seed, 3, 30)
        assert 0 <= first < second < 100
        gaps.append(int(second - first))
    assert min(gaps) == 3 and max(gaps) == 30
    for index in range(50):
        first, second = sample_frame_pair(8, tf.constant([1, index]), 3, 30)
        assert 3 <= second - first <= 7 and second < 8


def test_plan_frame_pair_cycles_videos_and_keys_randomness_by_index():
    lengths = tf.constant([10, 40, 6], tf.int64)
    for index in range(9):
        index = tf.constant(index, tf.int64)
        video, frames, pair_seed = plan_frame_pair(index, 7, lengths, 3, 30)
        assert int(video) == int(index) % 3
        expected_pair_seed, frames_seed = split_seed(element_seed(7, index), 2)
        expected = sample_frame_pair(lengths[int(video)], frames_seed, 3, 30)
        np.testing.assert_array_equal(frames, expected)
        np.testing.assert_array_equal(pair_seed, expected_pair_seed)


def test_per_frame_table_looks_up_rows_of_ragged_videos():
    table = per_frame_table([np.arange(3) * 10, np.arange(5) * 100], "float32")
    frames = tf.constant([0, 4], tf.int64)
    np.testing.assert_array_equal(frame_rows(table, 1, frames), [0, 400])
    np.testing.assert_array_equal(frame_rows(table, 0, frames[::-1] // 2), [20, 0])
    assert frame_rows(table, 0, [0]).dtype == tf.float32
    assert per_frame_table(None) is None and frame_rows(None, 0, [0]) is None


def test_array_pairs_gap_video_and_swap():
    frames = np.stack([counter_frames(40), counter_frames(40)])
    frames[1, ..., 1] = 200  # marks video 1
    pairs = _collect(frame_pairs(FrameArrays(frames), seed=0, num_pairs=40))
    gaps = _gaps(pairs)
    assert gaps.min() >= 3 and gaps.max() <= 30
    np.testing.assert_array_equal(pairs["source"][:, 0, 0, 1] == 200, np.arange(40) % 2)
    later_is_target = pairs["target"][:, 0, 0, 0] > pairs["source"][:, 0, 0, 0]
    assert 0 < later_is_target.sum() < 40  # random source/target swap
    np.testing.assert_array_equal(pairs["mask"], 1.0)
    assert sorted(pairs) == ["mask", "source", "target"]


def test_array_pairs_seeded_and_parallel_invariant():
    frames = counter_frames(40)[None]
    a = _collect(frame_pairs(FrameArrays(frames), seed=1, num_pairs=12))
    b = _collect(
        frame_pairs(FrameArrays(frames), seed=1, num_pairs=12, num_parallel_calls=1)
    )
    c = _collect(frame_pairs(FrameArrays(frames), seed=2, num_pairs=12))
    np.testing.assert_array_equal(a["source"], b["source"])
    assert not np.array_equal(a["source"], c["source"])


def _moving_blobs(num_frames=12, height=40, width=48):
    points = np.zeros((1, num_frames, 3, 2), np.float32)
    for t in range(num_frames):
        points[0, t] = [[10 + t, 12], [30, 8 + t], [20 + t, 28]]
    frames = np.stack([blob_image(height, width, p) for p in points[0]])[None]
    return frames, points


def test_landmarks_follow_flip_swap_and_resize():
    frames, points = _moving_blobs()
    pairs = _collect(frame_pairs(FrameArrays(frames, points), 32, seed=0, num_pairs=16))
    assert pairs["source_landmarks"].shape == (16, 3, 2)
    for key in ("source", "target"):
        for image, landmarks in zip(pairs[key], pairs[f"{key}_landmarks"], strict=True):
            np.testing.assert_allclose(centroids(image), landmarks, atol=0.4)
    # Some pairs were flipped: the first point (x from 10 to 21 in a 48 px
    # frame, scaled to 32 px) then sits right of the centre.
    flipped = pairs["source_landmarks"][:, 0, 0] > 15.5
    assert 0 < flipped.sum() < 16


def test_boxes_crop_both_frames_to_their_union():
    frames, points = _moving_blobs()
    boxes = np.zeros((1, 12, 4), np.float32)
    for t in range(12):
        boxes[0, t] = [2 + t, 4, 30 + t, 34]
    pairs = frame_pairs(
        FrameArrays(frames, points, boxes),
        24,
        seed=3,
        flip=False,
        swap=False,
        min_gap=3,
        max_gap=3,
        num_pairs=4,
    )
    for pair in pairs.as_numpy_iterator():
        # The second point's y is 8 + t in frame t: recover t of the source.
        t = round(pair["source_landmarks"][1, 1] * 30 / 23 + 4 - 8)
        # Boxes of frames t and t + 3 have the union (2 + t, 4, 33 + t, 34).
        union = np.array([2 + t, 4, 33 + t, 34], np.float32)
        scale = np.array([23 / (union[2] - union[0]), 23 / (union[3] - union[1])])
        for key, frame in (("source", t), ("target", t + 3)):
            expected = (points[0, frame] - union[:2]) * scale
            np.testing.assert_allclose(pair[f"{key}_landmarks"], expected, atol=1e-4)
            np.testing.assert_allclose(
                centroids(pair[key]), pair[f"{key}_landmarks"], atol=0.4
            )


def test_array_argument_errors():
    with pytest.raises(ValueError, match="more than min_gap=3"):
        frame_pairs(FrameArrays(np.zeros((1, 3, 8, 8, 3))), min_gap=3)
    with pytest.raises(ValueError, match="min_gap=5, max_gap=2"):
        frame_pairs(FrameArrays(np.zeros((1, 9, 8, 8, 3))), min_gap=5, max_gap=2)


def _video_of_each_pair(pairs):
    # Video v is marked by green = 10 v (see `_marked_videos`).
    return np.round(pairs["source"][:, 0, 0, 1] / 10).astype(int)


def _marked_videos(num_videos, length=8):
    frames = np.zeros((num_videos, length, 4, 4, 3), np.uint8)
    frames[..., 1] = (np.arange(num_videos) * 10)[:, None, None, None]
    return frames


def test_shuffled_videos_mix_a_batch_and_visit_each_video_once_per_round():
    frames = _marked_videos(12)
    cycled = _video_of_each_pair(
        _collect(frame_pairs(FrameArrays(frames), seed=0, min_gap=1, num_pairs=24))
    )
    np.testing.assert_array_equal(cycled, np.arange(24) % 12)
    pairs = frame_pairs(
        FrameArrays(frames), seed=0, min_gap=1, num_pairs=24, shuffle_videos=True
    )
    shuffled = _video_of_each_pair(_collect(pairs))
    for round_ in (shuffled[:12], shuffled[12:]):
        assert sorted(round_) == list(range(12))  # every video once per round
    # A batch of 4 holds several videos, not the neighbours 0, 1, 2, 3.
    batches = shuffled.reshape(6, 4)
    assert all(len(set(batch)) > 1 for batch in batches)
    assert not all(np.all(np.diff(batch) == 1) for batch in batches)
    assert not np.array_equal(shuffled[:12], shuffled[12:])  # a new order per round
    again = _video_of_each_pair(_collect(pairs))
    np.testing.assert_array_equal(shuffled, again)


def test_fit_keeps_the_aspect_ratio_of_wide_frames():
    # A 6 x 12 frame whose left and right quarters are bright: cropping to a
    # square keeps the dark middle; padding keeps the bright sides, with bands.
    frames = np.zeros((1, 5, 6, 12, 3), np.uint8)
    frames[..., :3, :] = 200
    frames[..., 9:, :] = 200
    crop = _collect(
        frame_pairs(FrameArrays(frames), 6, min_gap=1, num_pairs=2, fit="crop")
    )
    assert crop["source"][:, :, 1:-1].max() == 0
    pad = _collect(
        frame_pairs(FrameArrays(frames), 6, min_gap=1, num_pairs=2, fit="pad")
    )
    assert pad["source"][:, 0].max() == 0  # band above
    assert pad["source"][:, 2:4, 0].min() > 100  # the bright side shows


def test_folders_of_frames_skip_bad_frames(tmp_path):
    reset_skipped_files()
    for video in ("a", "b"):
        for t, frame in enumerate(counter_frames(20)):
            write_image(tmp_path / video / f"{t:05d}.png", frame)
    write_truncated_jpeg(tmp_path / "a" / "99999.jpg")  # last frame, broken
    (tmp_path / "not_a_video").mkdir()
    pairs = _collect(frame_pairs(frame_folders(tmp_path), 16, seed=0, num_pairs=10))
    assert num_skipped_files() == 1
    assert pairs["source"].shape == (10, 16, 16, 3)
    gaps = _gaps(pairs)
    assert gaps.min() >= 3 and gaps.max() <= 19
    np.testing.assert_allclose(gaps, np.round(gaps), atol=1e-3)
