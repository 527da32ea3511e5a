import numpy as np
import pytest

from keras_landmarks.data.sources import training_pairs
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_image
from tests.data.fixtures import write_video


def test_video_folder_pairs_mix_videos_in_a_batch(tmp_path):
    # Six grey videos told apart by their brightness: frame t of video v is
    # 40 v + t (H.264 keeps grey to a level or two).
    for v in range(6):
        write_video(tmp_path / f"{v}.mp4", counter_frames(12, 8, 8, step=1) + 40 * v)
    pairs = training_pairs(f"videos:{tmp_path}", 8, seed=1)
    videos = np.array(
        [round(p["source"][4, 4, 0] / 40) for p in pairs.take(12).as_numpy_iterator()]
    )
    assert sorted(videos[:6]) == list(range(6)) and sorted(videos[6:]) == list(range(6))
    assert not np.array_equal(videos[:6], np.arange(6))  # not in file order


def test_video_pairs_carry_a_warped_target_for_the_equivariance_term(tmp_path):
    for v in range(2):
        write_video(tmp_path / f"{v}.mp4", counter_frames(12, 8, 8, step=1) + 40 * v)
    pairs = training_pairs(f"videos:{tmp_path}", 8, seed=1, return_grid=True)
    pair = next(pairs.as_numpy_iterator())
    assert pair["warped_target"].shape == (8, 8, 3)
    assert pair["warped_target_grid"].shape == (8, 8, 2)
    assert "source_grid" not in pair
    # Without return_grid the pairs are the plain frame pairs.
    plain = next(training_pairs(f"videos:{tmp_path}", 8, seed=1).as_numpy_iterator())
    assert sorted(plain) == ["mask", "source", "target"]
    np.testing.assert_array_equal(plain["target"], pair["target"])


def test_gap_range_reaches_frame_pairs(tmp_path):
    for v in range(2):
        for t, frame in enumerate(counter_frames(20, 8, 8)):
            write_image(tmp_path / str(v) / f"{t:03d}.png", frame)
    pairs = training_pairs(f"frames:{tmp_path}", 8, min_gap=5, max_gap=6)
    gaps = [
        abs(p["source"][0, 0, 0] - p["target"][0, 0, 0]) / 4
        for p in pairs.take(20).as_numpy_iterator()
    ]
    assert set(np.round(gaps)) == {5, 6}


def test_options_that_do_not_apply_are_errors():
    with pytest.raises(ValueError, match="Frame gaps apply to video specs"):
        training_pairs("synthetic-faces", 32, min_gap=2)
    with pytest.raises(ValueError, match="boxes file applies to images"):
        training_pairs("videos:x", 32, boxes="b.csv")
    with pytest.raises(ValueError, match="Unknown data spec"):
        training_pairs("photos:x", 32)
