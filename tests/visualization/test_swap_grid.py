import numpy as np
import pytest
from keras import ops
from PIL import Image

from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import TITLE_HEIGHT
from keras_landmarks.visualization.swap_grid import swap_grid
from keras_landmarks.visualization.swap_grid import swap_grid_from_arrays
from keras_landmarks.visualization.swap_grid import swap_reconstructions
from keras_landmarks.visualization.swap_grid import write_swap_grid

PANEL = 128  # 32-px images enlarged 4x


def _cell(picture, row, col, top=0):
    y, x = top + row * (PANEL + GUTTER), col * (PANEL + GUTTER)
    return picture[y : y + PANEL, x : x + PANEL]


def _up(image):
    return np.repeat(np.repeat(image, 4, 0), 4, 1)


def _images(n, seed):
    return np.random.default_rng(seed).uniform(0, 255, (n, 32, 32, 3)).astype("float32")


def test_from_arrays_layout():
    appearance = np.stack([np.full((32, 32, 3), 10 * (i + 1)) for i in range(2)])
    geometry = np.stack([np.full((32, 32, 3), 100 + 10 * j) for j in range(3)])
    recon = np.array(
        [[np.full((32, 32, 3), 10 * i + j) for j in range(3)] for i in range(2)]
    )
    out = swap_grid_from_arrays(appearance, geometry, recon, titles=False)
    assert out.dtype == np.uint8
    assert out.shape == (3 * PANEL + 2 * GUTTER, 4 * PANEL + 3 * GUTTER, 3)
    assert (_cell(out, 0, 0) == 255).all()  # blank corner
    for j in range(3):
        assert (_cell(out, 0, j + 1) == 100 + 10 * j).all()
    for i in range(2):
        assert (_cell(out, i + 1, 0) == 10 * (i + 1)).all()
        for j in range(3):
            assert (_cell(out, i + 1, j + 1) == 10 * i + j).all()


def test_from_arrays_titles_shift_the_grid():
    images = _images(2, 0)
    recon = np.stack([images, images], 1)
    out = swap_grid_from_arrays(images, images, recon, titles=True)
    assert out.shape[0] == TITLE_HEIGHT + 3 * PANEL + 2 * GUTTER
    np.testing.assert_array_equal(
        _cell(out, 2, 2, TITLE_HEIGHT), np.round(_up(images[1])).astype("uint8")
    )


def test_from_arrays_bad_shapes_are_named():
    images = _images(2, 0)
    with pytest.raises(ValueError, match="reconstructions"):
        swap_grid_from_arrays(images, images[:1], np.stack([images, images], 1))
    with pytest.raises(ValueError, match="appearance_images"):
        swap_grid_from_arrays(images[0], images, np.stack([images, images], 1))
    with pytest.raises(ValueError, match="same size"):
        swap_grid_from_arrays(images, images[:, :16], np.stack([images, images], 1))


def test_cell_is_the_models_reconstruction_of_that_pair(tiny_model):
    appearance, geometry = _images(2, 1), _images(2, 2)
    out = swap_grid(tiny_model, appearance, geometry, titles=False)
    assert out.shape == (3 * PANEL + 2 * GUTTER, 3 * PANEL + 2 * GUTTER, 3)
    # The four pairs in one batch, listed by hand (one batch shape for all tests).
    pairs = [(i, j) for i in range(2) for j in range(2)]
    batch = dict(
        source=np.stack([appearance[i] for i, _ in pairs]),
        target=np.stack([geometry[j] for _, j in pairs]),
    )
    recon = ops.convert_to_numpy(tiny_model(batch, training=False)["reconstruction"])
    for (i, j), expected in zip(pairs, recon, strict=True):
        expected = np.clip(np.round(_up(expected)), 0, 255).astype("uint8")
        np.testing.assert_array_equal(_cell(out, i + 1, j + 1), expected)


class _BlendModel:
    """Stands in for a LandmarkModel whose reconstruction tells the pair apart
    (a random-weight model reconstructs ~0 everywhere)."""

    def __init__(self):
        self.batch_sizes = []

    def __call__(self, inputs, training=None):
        assert training is False
        self.batch_sizes.append(len(inputs["source"]))
        return {"reconstruction": (inputs["source"] + 2.0 * inputs["target"]) / 3.0}


def test_cell_i_j_has_appearance_i_and_geometry_j():
    appearance = np.stack([np.full((32, 32, 3), v, "float32") for v in (0, 30, 60)])
    geometry = np.stack([np.full((32, 32, 3), v, "float32") for v in (90, 120)])
    model = _BlendModel()
    out = swap_grid(model, appearance, geometry, batch_size=4, titles=False)
    assert model.batch_sizes == [4, 2]
    for i in range(3):
        for j in range(2):
            expected = (30 * i + 2 * (90 + 30 * j)) / 3
            assert (_cell(out, i + 1, j + 1) == round(expected)).all()


def test_default_geometry_is_the_images_and_keypoints_can_be_shown(tiny_model):
    images = _images(2, 3)  # 2 x 2 pairs: the batch shape of the test above
    out = swap_grid(tiny_model, images, show_keypoints=True, titles=False)
    assert out.shape == (3 * PANEL + 2 * GUTTER, 3 * PANEL + 2 * GUTTER, 3)
    plain = np.round(_up(images[0])).astype("uint8")
    np.testing.assert_array_equal(_cell(out, 1, 0), plain)
    assert not np.array_equal(_cell(out, 0, 1), plain)  # dots drawn on top row


def test_bad_batch_size_is_named(tiny_model):
    with pytest.raises(ValueError, match="batch_size=0"):
        swap_grid(tiny_model, _images(2, 0), batch_size=0)


def test_write_swap_grid_writes_the_numbers_and_the_picture(tmp_path, tiny_model):
    images = _images(2, seed=3)
    png = write_swap_grid(tiny_model, images, tmp_path)
    grid = np.load(tmp_path / "swap_grid.npy")
    assert grid.shape == (2, 2, 32, 32, 3) and 0 <= grid.min() <= grid.max() <= 255
    expected = np.clip(swap_reconstructions(tiny_model, images, images), 0, 255)
    np.testing.assert_allclose(grid, expected, atol=1e-4)
    with Image.open(png) as picture:  # 3 x 3 panels of 128 px, titles above
        assert picture.size == (
            3 * PANEL + 2 * GUTTER,
            TITLE_HEIGHT + 3 * PANEL + 2 * GUTTER,
        )
