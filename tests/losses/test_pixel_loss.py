from pathlib import Path

import keras
import numpy as np
import pytest

from keras_landmarks.losses import PerceptualLoss
from keras_landmarks.losses import PixelLoss
from tests.helpers import to_numpy

# Saved by the code before `RunningNormalizer` (PixelLoss then subclassed
# PerceptualLoss): PixelLoss("l1") after a batch with |error| 3, then one
# with 5, so w = 3 + 0.01 (5 - 3) = 3.02.
LEGACY_FILE = Path(__file__).parent / "legacy" / "pixel_loss.keras"
ZEROS = np.zeros((1, 4, 4, 3), "float32")


def test_l1_by_hand():
    loss = PixelLoss("l1")
    terms = loss(ZEROS, ZEROS + 3.0, training=True)
    # w starts at the first batch's own mean, so the first term is exactly 1.
    np.testing.assert_array_equal(to_numpy(terms["input"]), 1.0)
    np.testing.assert_array_equal(to_numpy(terms["total"]), 1000.0)
    terms = loss(ZEROS, ZEROS - 5.0, training=True)
    np.testing.assert_allclose(to_numpy(loss.normalizers), [3.02], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(terms["input"]), 5.0 / 3.02, rtol=1e-6)
    assert set(terms) == {"total", "input", "normalizers"}


def test_l2_with_a_mask_and_no_update_outside_training():
    loss = PixelLoss(initial_normalizers=(8.0,), decay=0.5, scale=1.0)
    mask = np.zeros((1, 4, 4, 1), "float32")
    mask[:, :2] = 1.0  # half the pixels
    terms = loss(ZEROS, ZEROS + 2.0, loss_mask=mask, training=False)
    # m = mean(mask * 4) = 2; w = 8 + 0.5 (2 - 8) = 5, not stored.
    np.testing.assert_allclose(to_numpy(terms["normalizers"]), [5.0])
    np.testing.assert_allclose(to_numpy(terms["total"]), 2.0 / 5.0, rtol=1e-6)
    np.testing.assert_array_equal(to_numpy(loss.normalizers), [8.0])


@pytest.mark.parametrize("distance", ["l1", "l2"])
def test_same_numbers_as_the_perceptual_loss_on_the_raw_image(distance):
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, (4, 2, 16, 16, 3)).astype("float32")
    mask = rng.uniform(0, 1, (2, 16, 16, 1)).astype("float32")
    pixel = PixelLoss(distance)
    perceptual = PerceptualLoss(network=None, layers=("input",), distance=distance)
    for step in range(3):
        kwargs = dict(loss_mask=mask if step else None, training=step != 1)
        a = pixel(images[step], images[step + 1], **kwargs)
        b = perceptual(images[step], images[step + 1], **kwargs)
        assert set(a) == set(b)
        for key in a:
            np.testing.assert_array_equal(to_numpy(a[key]), to_numpy(b[key]))


@pytest.mark.parametrize("argument", ["network", "weights", "layers"])
def test_rejects_the_perceptual_loss_arguments(argument):
    value = {"network": "vgg19", "weights": None, "layers": ("input",)}[argument]
    with pytest.raises(ValueError, match=f"Unrecognized keyword.*'{argument}'"):
        PixelLoss(**{argument: value})


def test_bad_distance():
    with pytest.raises(ValueError, match="distance='huber'"):
        PixelLoss("huber")


def test_config_lists_only_its_own_arguments():
    loss = PixelLoss("l1", initial_normalizers=(2.0,), decay=0.9, scale=10.0)
    config = loss.get_config()
    base = keras.layers.Layer().get_config()
    assert set(config) - set(base) == {
        "distance",
        "initial_normalizers",
        "decay",
        "scale",
    }
    clone = PixelLoss.from_config(config)
    assert clone.get_config() == config


def test_save_and_load_keep_the_normalizer(tmp_path):
    loss = PixelLoss("l1")
    loss(ZEROS, ZEROS + 3.0, training=True)
    loss(ZEROS, ZEROS + 5.0, training=True)
    path = tmp_path / "pixel_loss.keras"
    keras.saving.save_model(loss, path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, PixelLoss)
    np.testing.assert_array_equal(
        to_numpy(loaded.normalizers), to_numpy(loss.normalizers)
    )
    assert float(to_numpy(loaded.normalizers_ready)) == 1.0


def test_loads_a_file_saved_before_the_running_normalizer_layer():
    loaded = keras.saving.load_model(LEGACY_FILE)
    assert isinstance(loaded, PixelLoss)
    assert loaded.distance == "l1"
    # The state was stored under the loss itself; it reaches the sublayer.
    np.testing.assert_allclose(to_numpy(loaded.normalizers), [3.02], rtol=1e-6)
    assert float(to_numpy(loaded.normalizers_ready)) == 1.0
    terms = loaded(ZEROS, ZEROS + 3.02, training=False)
    np.testing.assert_allclose(to_numpy(terms["input"]), 1.0, rtol=1e-6)
