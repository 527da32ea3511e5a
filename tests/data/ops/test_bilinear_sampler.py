import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.ops.bilinear_sampler import bilinear_sample
from tests.helpers import golden


def _numpy_sample(image, grid):
    """Reference re-derivation: zero padding, align_corners=True."""
    height, width, _ = image.shape
    out = np.zeros(grid.shape[:2] + image.shape[2:])
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            x = (grid[i, j, 0] + 1) / 2 * (width - 1)
            y = (grid[i, j, 1] + 1) / 2 * (height - 1)
            x0, y0 = int(np.floor(x)), int(np.floor(y))
            for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
                for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
                    if 0 <= xx < width and 0 <= yy < height:
                        out[i, j] += wx * wy * image[yy, xx]
    return out


def test_warps_reference_images_and_mask():
    data = golden()
    out = bilinear_sample(data["tps_input_mask_image"], data["tps_grid_target_32"])
    out = out.numpy()
    np.testing.assert_allclose(out[..., 1:], data["tps_future_image_ac1"], atol=1e-3)
    np.testing.assert_allclose(out[..., :1], data["tps_future_mask_ac1"], atol=1e-5)


def test_warps_reference_inside_tf_data():
    data = golden()
    dataset = tf.data.Dataset.from_tensor_slices(
        (data["tps_input_mask_image"], data["tps_grid_target_32"])
    ).map(bilinear_sample, num_parallel_calls=2)
    out = np.stack([x.numpy() for x in dataset])
    np.testing.assert_allclose(out[..., 1:], data["tps_future_image_ac1"], atol=1e-3)
    np.testing.assert_allclose(out[..., :1], data["tps_future_mask_ac1"], atol=1e-5)


def test_matches_numpy_rederivation_with_points_outside():
    rng = np.random.default_rng(0)
    image = rng.uniform(0, 255, (5, 7, 2)).astype(np.float32)
    grid = rng.uniform(-1.4, 1.4, (6, 4, 2)).astype(np.float32)
    np.testing.assert_allclose(
        bilinear_sample(image, grid).numpy(), _numpy_sample(image, grid), atol=1e-3
    )


@pytest.mark.parametrize("padding", ["zeros", "border"])
def test_matches_torch_grid_sample(padding):
    torch = pytest.importorskip("torch", reason="cross-check needs torch")
    rng = np.random.default_rng(2)
    image = rng.uniform(0, 255, (2, 8, 5, 3)).astype(np.float32)
    # points up to 0.6 outside the image: both paddings matter
    grid = rng.uniform(-1.6, 1.6, (2, 4, 6, 2)).astype(np.float32)
    expected = torch.nn.functional.grid_sample(
        torch.from_numpy(image).permute(0, 3, 1, 2),
        torch.from_numpy(grid),
        mode="bilinear",
        padding_mode=padding,
        align_corners=True,
    )
    np.testing.assert_allclose(
        bilinear_sample(image, grid, padding=padding).numpy(),
        expected.permute(0, 2, 3, 1).numpy(),
        atol=1e-3,
    )


def test_pixel_centres_reproduce_the_image():
    image = np.random.default_rng(1).uniform(0, 255, (2, 6, 9, 3)).astype(np.float32)
    ys, xs = np.meshgrid(np.linspace(-1, 1, 6), np.linspace(-1, 1, 9), indexing="ij")
    grid = np.broadcast_to(np.stack([xs, ys], -1), (2, 6, 9, 2)).astype(np.float32)
    np.testing.assert_allclose(bilinear_sample(image, grid).numpy(), image, atol=1e-3)


def test_far_outside_is_zero():
    grid = np.full((2, 2, 2), 50.0, np.float32)
    np.testing.assert_array_equal(bilinear_sample(np.ones((4, 4, 1)), grid), 0.0)


def test_border_padding_repeats_the_nearest_border_pixel():
    image = np.arange(12, dtype=np.float32).reshape(3, 4, 1)
    # far left of the middle row, below the bottom-right corner
    grid = np.array([[[-5.0, 0.0], [1.0, 9.0]]], np.float32)
    out = bilinear_sample(image, grid, padding="border").numpy()[0, :, 0]
    np.testing.assert_allclose(out, [image[1, 0, 0], image[2, 3, 0]])


def test_rejects_unknown_padding():
    with pytest.raises(ValueError, match="reflect"):
        bilinear_sample(np.zeros((4, 4, 3)), np.zeros((4, 4, 2)), padding="reflect")


def test_rejects_mismatched_ranks():
    with pytest.raises(ValueError, match="rank"):
        bilinear_sample(np.zeros((4, 4, 3)), np.zeros((1, 4, 4, 2)))
