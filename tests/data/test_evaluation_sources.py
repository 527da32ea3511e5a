import numpy as np
import pytest

from keras_landmarks.data.evaluation_sources import evaluation_splits
from tests.data.fixtures import write_image


def test_synthetic_faces_are_drawn_from_the_seed():
    splits = evaluation_splits("synthetic-faces", 32, 6, 3, seed=4)
    again = evaluation_splits("synthetic-faces", 32, 6, 3, seed=4)
    assert splits.train_images.shape == (6, 32, 32, 3)
    assert splits.test_landmarks.shape == (3, 5, 2)
    assert splits.metric == "inter_ocular" and splits.name == "synthetic_faces"
    np.testing.assert_array_equal(splits.test_images, again.test_images)


def test_a_landmarks_file_gives_size_normalised_splits(tmp_path):
    rows = []
    for i in range(4):
        write_image(tmp_path / f"{i}.png", np.full((10, 20, 3), 50 * i, np.uint8))
        rows.append(f"{i}.png,{i},2,5,nan")
    (tmp_path / "p.csv").write_text("\n".join(rows) + "\n")
    splits = evaluation_splits(f"landmarks:{tmp_path / 'p.csv'}", 8, fit="pad")
    assert splits.metric == "size_normalized" and splits.name == "landmarks"
    assert len(splits.train_images) == 3 and len(splits.test_images) == 1
    assert np.isnan(splits.train_landmarks[:, 1]).all()


def test_unknown_specs_and_misplaced_options_are_errors():
    with pytest.raises(ValueError, match="landmarks:FILE"):
        evaluation_splits("photos:x", 32)
    with pytest.raises(ValueError, match="boxes file applies to landmarks"):
        evaluation_splits("synthetic-faces", 32, boxes="b.csv")
    with pytest.raises(ValueError, match="Expected"):
        evaluation_splits("mafl:/nonexistent/celeba", 32)


def test_bbc_pose_is_evaluated_as_the_recipe_does(tmp_path):
    from keras_landmarks.data.datasets.bbc_pose import bbc_pose_splits
    from keras_landmarks.data.datasets.streamed_images import StreamedImages
    from tests.data.datasets.test_bbc_pose import _bbc_pose

    root = _bbc_pose(tmp_path)
    splits = evaluation_splits(f"bbcpose:{root}", 40, 4, 3)
    recipe = bbc_pose_splits(root, 40, 4, 3)  # recipes/bbcpose.py's defaults
    assert isinstance(splits.train_images, StreamedImages)
    assert splits.distance == recipe.distance != 6.0  # 6 px of the signer crop
    np.testing.assert_array_equal(splits.train_landmarks, recipe.train_landmarks)
    np.testing.assert_array_equal(splits.test_images, recipe.test_images)
