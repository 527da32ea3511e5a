import numpy as np
import pytest
from PIL import Image

from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import TITLE_HEIGHT
from keras_landmarks.visualization.model_pictures import model_pictures
from keras_landmarks.visualization.model_pictures import training_preview


def _pairs(n=4):
    rng = np.random.default_rng(0)
    return {
        "source": rng.uniform(0, 255, (n, 32, 32, 3)).astype("float32"),
        "target": rng.uniform(0, 255, (n, 32, 32, 3)).astype("float32"),
    }


def test_training_preview_writes_the_quadruplets(tmp_path, tiny_model):
    path = tmp_path / "pictures" / "epoch_0001.png"
    picture = training_preview(tiny_model, _pairs(), path)
    assert picture.shape == (
        TITLE_HEIGHT + 4 * 128 + 3 * GUTTER,
        4 * 128 + 3 * GUTTER,
        3,
    )
    with Image.open(path) as image:
        np.testing.assert_array_equal(np.asarray(image), picture)


def test_model_pictures_writes_three_pngs(tmp_path, tiny_model):
    paths = model_pictures(tiny_model, _pairs(), tmp_path / "out", swap_images=2)
    assert [p.rsplit("/", 1)[-1] for p in paths] == [
        "quadruplets.png",
        "swap_grid.png",
        "heatmaps.png",
    ]
    for path in paths:
        with Image.open(path) as image:
            assert image.mode == "RGB" and min(image.size) >= 128


def test_missing_pair_key_is_named(tiny_model):
    with pytest.raises(ValueError, match="target"):
        training_preview(tiny_model, {"source": _pairs()["source"]})
