import keras
import numpy as np
import pytest

import keras_landmarks as kl
from keras_landmarks.losses import PixelLoss
from tests.helpers import TINY
from tests.helpers import tiny_model
from tests.helpers import to_numpy
from tests.helpers import toy_pairs


def test_call_returns_reconstruction_keypoints_heatmaps():
    model = tiny_model()
    pairs = toy_pairs(2)
    out = model(pairs)
    assert tuple(out["reconstruction"].shape) == (2, 32, 32, 3)
    assert tuple(out["keypoints"].shape) == (2, 4, 2)
    assert tuple(out["heatmaps"].shape) == (2, 8, 8, 4)
    assert tuple(out["gaussian_maps"].shape) == (2, 8, 8, 4)
    keypoints = to_numpy(out["keypoints"])
    assert np.all(np.abs(keypoints) <= 1.0)
    # A tuple input is the same as the dict.
    tuple_out = model((pairs["source"], pairs["target"]))
    np.testing.assert_allclose(
        to_numpy(tuple_out["reconstruction"]), to_numpy(out["reconstruction"])
    )


def test_reference_defaults():
    model = kl.LandmarkModel(reconstruction_loss=PixelLoss())
    assert model.image_size == (128, 128)
    assert model.num_keypoints == 10
    assert model.heatmap_size == (16, 16)
    model.compile()
    optimizer = model.optimizer
    assert isinstance(optimizer, keras.optimizers.Adam)
    assert optimizer.clipnorm == 1.0 and optimizer.global_clipnorm is None
    schedule = keras.optimizers.schedules.deserialize(
        optimizer.get_config()["learning_rate"]
    )
    assert float(schedule(0)) == pytest.approx(1e-3)
    assert float(schedule(99_999)) == pytest.approx(1e-3)
    assert float(schedule(100_000)) == pytest.approx(0.95e-3)
    assert optimizer.epsilon == 1e-8


def test_fit_lowers_the_loss_and_updates_normalisers_only_in_training():
    model = tiny_model(loss=PixelLoss())
    model.compile(optimizer=keras.optimizers.Adam(2e-3, clipnorm=1.0))
    pairs = toy_pairs(16)
    model.evaluate(pairs, batch_size=8, verbose=0)
    ready = to_numpy(model.reconstruction_loss.normalizers_ready)
    assert ready == 0.0  # evaluate stored nothing
    history = model.fit(pairs, batch_size=8, epochs=12, verbose=0)
    normalizers = to_numpy(model.reconstruction_loss.normalizers).copy()
    assert to_numpy(model.reconstruction_loss.normalizers_ready) == 1.0
    losses = history.history["reconstruction_loss"]
    assert losses[-1] < 0.95 * losses[0], losses
    assert all(b < a for a, b in zip(losses, losses[1:], strict=False)), losses
    model.evaluate(pairs, batch_size=8, verbose=0)
    np.testing.assert_array_equal(
        to_numpy(model.reconstruction_loss.normalizers), normalizers
    )
    assert set(history.history) >= {"loss", "reconstruction_loss", "input_term"}


def test_fit_with_perceptual_loss_and_regularisation():
    model = tiny_model()
    model.compile()
    pairs = toy_pairs(8)
    before = to_numpy(model.reconstruction_loss.normalizers).copy()
    history = model.fit(pairs, batch_size=4, epochs=1, verbose=0)
    after = to_numpy(model.reconstruction_loss.normalizers)
    assert not np.array_equal(before, after)
    logs = history.history
    assert {"conv1_2_term", "conv2_2_term", "conv3_2_term"} <= set(logs)

    # The L2 weight decay on every conv kernel (and nothing else) is in the loss.
    kernels = [v for v in model.trainable_variables if v.path.endswith("kernel")]
    assert len(model.losses) == len(kernels) > 0
    expected = 1e-5 * sum(float(np.sum(to_numpy(k) ** 2)) for k in kernels)
    got = sum(float(to_numpy(loss)) for loss in model.losses)
    assert got == pytest.approx(expected, rel=1e-4)


def test_keras_save_and_load_give_identical_outputs(tmp_path):
    model = tiny_model()
    model.compile()
    pairs = toy_pairs(4)
    model.fit(pairs, batch_size=4, epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kl.LandmarkModel)
    a, b = model(pairs), loaded(pairs)
    for key in ("reconstruction", "keypoints", "heatmaps"):
        np.testing.assert_array_equal(to_numpy(a[key]), to_numpy(b[key]))
    np.testing.assert_array_equal(
        to_numpy(model.reconstruction_loss.normalizers),
        to_numpy(loaded.reconstruction_loss.normalizers),
    )
    np.testing.assert_array_equal(
        model.predict_keypoints(pairs["target"]),
        loaded.predict_keypoints(pairs["target"]),
    )


def test_predict_keypoints_in_pixels():
    model = tiny_model()
    images = toy_pairs(5)["target"]
    pixels = model.predict_keypoints(images, batch_size=2)
    assert pixels.shape == (5, 4, 2) and pixels.dtype == np.float32
    keypoints, _ = model.detect(images)
    expected = (to_numpy(keypoints) + 1) / 2 * 31
    np.testing.assert_allclose(pixels, expected, rtol=1e-6)
    np.testing.assert_allclose(
        kl.models.pixels_to_normalized(pixels, (32, 32)), to_numpy(keypoints), atol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(num_keypoints=0), "num_keypoints=0"),
        (dict(image_size=34), "multiple of 4"),
        (dict(image_size=16), "at least 32"),
        (dict(image_size="big"), "image_size='big'"),
        (dict(generator_filters=(8, 8)), "upsamples by 2"),
    ],
)
def test_bad_arguments(kwargs, match):
    # TINY networks downsample by 4; the reference ones by 8.
    args = dict(TINY, reconstruction_loss=PixelLoss())
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        kl.LandmarkModel(**args)


def test_reference_size_must_be_a_multiple_of_8():
    with pytest.raises(ValueError, match="multiple of 8.*image_size=\\(100, 100\\)"):
        kl.LandmarkModel(image_size=100, reconstruction_loss=PixelLoss())


def test_bad_images():
    model = tiny_model()
    good = toy_pairs(1)
    with pytest.raises(ValueError, match="rank 4"):
        model.predict_keypoints(good["target"][0])
    with pytest.raises(ValueError, match="3 channels"):
        model.predict_keypoints(np.zeros((1, 32, 32, 1), "float32"))
    with pytest.raises(ValueError, match="must be 32x32"):
        model.predict_keypoints(np.zeros((1, 40, 40, 3), "float32"))
    with pytest.raises(ValueError, match="Missing"):
        model({"source": good["source"]})
    with pytest.raises(ValueError, match="do not pass `loss`"):
        model.compile(loss="mse")
