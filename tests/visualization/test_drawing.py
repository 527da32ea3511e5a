import numpy as np
import pytest
from PIL import Image

from keras_landmarks.visualization.colors import OUTLINE_COLOR
from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import GUTTER
from keras_landmarks.visualization.drawing import TITLE_HEIGHT
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.drawing import grid
from keras_landmarks.visualization.drawing import save_png
from keras_landmarks.visualization.drawing import scale_points
from keras_landmarks.visualization.drawing import to_uint8
from keras_landmarks.visualization.drawing import upscale
from keras_landmarks.visualization.drawing import upscale_factor


def test_upscale_factor_reaches_min_size():
    assert upscale_factor(32, 32) == 4
    assert upscale_factor(64, 64) == 2
    assert upscale_factor(128, 128) == 1
    assert upscale_factor(48, 100, 128) == 3
    assert upscale_factor(32, 32, None) == 1


def test_upscale_is_nearest_neighbour_blocks():
    image = np.arange(2 * 3 * 3, dtype="uint8").reshape(2, 3, 3)
    big = upscale(image, 4)
    assert big.shape == (8, 12, 3)
    np.testing.assert_array_equal(
        big[4:8, 8:12], np.broadcast_to(image[1, 2], (4, 4, 3))
    )


def test_scale_points_maps_pixel_centres_to_block_centres():
    np.testing.assert_allclose(
        scale_points([[0, 0], [2, 1]], 4), [[1.5, 1.5], [9.5, 5.5]]
    )
    np.testing.assert_allclose(scale_points([[3, 5]], 1), [[3, 5]])


def test_to_uint8_clips_and_rounds():
    np.testing.assert_array_equal(
        to_uint8(np.array([-20.0, 0.4, 127.6, 300.0])), [0, 0, 128, 255]
    )


def test_keypoint_colours_its_pixel_after_upscaling():
    image = np.zeros((32, 32, 3), "float32")
    keypoints = np.array([[3, 3], [28, 5], [10, 20]], "float32")
    out = draw_keypoints(image, keypoints, scale=4, radius=5)
    assert out.shape == (128, 128, 3) and out.dtype == np.uint8
    palette = keypoint_palette(3)
    # Keypoint 2 at pixel (x=10, y=20) lands on block centre (41.5, 81.5).
    for y, x in [(81, 41), (82, 42), (80, 40), (83, 43)]:
        np.testing.assert_array_equal(out[y, x], palette[2])
    np.testing.assert_array_equal(out[21, 113], palette[1])  # (28, 5) -> (113.5, 21.5)
    # A dark outline rings the dot; far away the image is untouched.
    row = out[81, 41:50]
    assert any(np.array_equal(p, OUTLINE_COLOR) for p in row)
    np.testing.assert_array_equal(out[60, 100], [0, 0, 0])


def test_labels_add_text_near_the_dot():
    image = np.zeros((32, 32, 3), "uint8")
    plain = draw_keypoints(image, [[8, 8]], scale=4)
    labelled = draw_keypoints(image, [[8, 8]], scale=4, labels=True)
    assert not np.array_equal(plain, labelled)
    np.testing.assert_array_equal(plain[100:], labelled[100:])


def test_non_finite_keypoints_are_skipped():
    out = draw_keypoints(np.zeros((8, 8, 3)), [[np.nan, 2.0]], scale=1)
    assert out.max() == 0


@pytest.mark.parametrize(
    "image, keypoints, match",
    [
        (np.zeros((8, 8)), np.zeros((1, 2)), "image"),
        (np.zeros((8, 8, 3)), np.zeros((1, 3)), "keypoints"),
    ],
)
def test_draw_keypoints_bad_shapes(image, keypoints, match):
    with pytest.raises(ValueError, match=match):
        draw_keypoints(image, keypoints)


def test_draw_keypoints_bad_scale():
    with pytest.raises(ValueError, match="scale=0"):
        draw_keypoints(np.zeros((8, 8, 3)), np.zeros((1, 2)), scale=0)


def _cell(value, size=(6, 5)):
    return np.full(size + (3,), value, dtype="uint8")


def test_grid_places_panels_at_expected_offsets_with_white_gutters():
    cells = [[_cell(10), _cell(20), _cell(30)], [_cell(40), None, _cell(60)]]
    out = grid(cells, gutter=GUTTER)
    assert out.shape == (2 * 6 + GUTTER, 3 * 5 + 2 * GUTTER, 3)
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            y, x = r * (6 + GUTTER), c * (5 + GUTTER)
            expected = 255 if cell is None else cell[0, 0, 0]
            assert (out[y : y + 6, x : x + 5] == expected).all()
    assert (out[6 : 6 + GUTTER] == 255).all()
    assert (out[:, 5 : 5 + GUTTER] == 255).all()


def test_grid_titles_shift_panels_down():
    out = grid([[_cell(10, (30, 40)), _cell(20, (30, 40))]], column_titles=["a", "b"])
    assert out.shape == (TITLE_HEIGHT + 30, 2 * 40 + GUTTER, 3)
    assert (out[TITLE_HEIGHT:, :40] == 10).all()
    # Each title is written in the band, centred above its own column.
    ink = (out[:TITLE_HEIGHT] < 200).any(-1)
    for column in range(2):
        left = column * (40 + GUTTER)
        rows, xs = np.nonzero(ink[:, left : left + 40])
        assert len(xs), f"no title above column {column}"
        assert xs.mean() == pytest.approx(20, abs=2)
        assert rows.mean() == pytest.approx(TITLE_HEIGHT / 2, abs=3)
    assert not ink[:, 40 : 40 + GUTTER].any()


def test_grid_rejects_mixed_sizes():
    with pytest.raises(ValueError, match="same size"):
        grid([[_cell(1), _cell(2, (3, 3))]])


def test_save_png_round_trip_and_creates_folders(tmp_path):
    array = np.random.default_rng(0).integers(0, 256, (9, 7, 3)).astype("uint8")
    path = save_png(array, tmp_path / "a" / "b" / "picture.png")
    with Image.open(path) as image:
        np.testing.assert_array_equal(np.asarray(image), array)


def test_save_png_clips_floats(tmp_path):
    path = save_png(np.full((2, 2, 3), 300.0), tmp_path / "p.png")
    with Image.open(path) as image:
        assert np.asarray(image).min() == 255


def test_save_png_bad_rank(tmp_path):
    with pytest.raises(ValueError, match="array"):
        save_png(np.zeros((4, 4)), tmp_path / "p.png")
