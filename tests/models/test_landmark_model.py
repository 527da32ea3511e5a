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


def _convs_and_norms(model):
    """Every conv and batch norm of the networks a `LandmarkModel` builds."""
    blocks = [
        *model.detector.encoder.blocks,
        *model.appearance_encoder.blocks,
        *(block for stage in model.generator.stages for block in stage),
    ]
    convs = [b.conv for b in blocks] + [model.detector.head, model.generator.to_image]
    return convs, [b.norm for b in blocks]


def _check_walk_is_complete(model, convs, norms):
    # The loss network is frozen, so the trainable kernels are the networks'.
    kernels = [v.path for v in model.trainable_variables if v.path.endswith("kernel")]
    assert sorted(c.kernel.path for c in convs) == sorted(kernels)
    means = [v.path for v in model.non_trainable_variables if "moving_mean" in v.path]
    assert sorted(n.moving_mean.path for n in norms) == sorted(means)


def test_default_initialisation_is_the_reference():
    default = tiny_model()
    explicit = tiny_model(kernel_initializer="reference", batch_norm_momentum=0.99)
    he = tiny_model(kernel_initializer="he_normal")
    # Same layout (the paths differ only by Keras' name suffixes), same values.
    for a, b in zip(default.weights, explicit.weights, strict=True):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    convs, norms = _convs_and_norms(default)
    _check_walk_is_complete(default, convs, norms)
    assert len(convs) == 15 and len(norms) == 13  # TINY: 4 + 4 + (2 + 2 + 1)
    for conv in convs:
        kernel = to_numpy(conv.kernel)
        assert np.all(np.abs(kernel) <= 0.02 + 1e-7), conv.path  # truncated at 2 std
        assert float(np.std(kernel)) == pytest.approx(0.0088, rel=0.35), conv.path
    assert all(norm.momentum == 0.99 for norm in norms)

    # he_normal: every conv, the detector head and the generator's last included,
    # gets std sqrt(2 / fan_in) (within 4 standard errors of the estimate).
    he_convs, _ = _convs_and_norms(he)
    for conv in he_convs:
        kernel = to_numpy(conv.kernel)
        fan_in = int(np.prod(kernel.shape[:-1]))
        expected = (2 / fan_in) ** 0.5
        rel = 4 / (2 * kernel.size) ** 0.5
        assert float(np.std(kernel)) == pytest.approx(expected, rel=rel), conv.path


def test_ablation_arguments_reach_every_network_and_survive_saving(tmp_path):
    model = tiny_model(kernel_initializer="he_uniform", batch_norm_momentum=0.9)
    config = model.get_config()
    assert config["kernel_initializer"] == "he_uniform"
    assert config["batch_norm_momentum"] == 0.9
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    clone = kl.LandmarkModel.from_config(config)
    for network in (model, clone, loaded):
        assert network.kernel_initializer == "he_uniform"
        assert network.batch_norm_momentum == 0.9
        for sub in (network.detector, network.appearance_encoder, network.generator):
            assert sub.kernel_initializer == "he_uniform"
            assert sub.batch_norm_momentum == 0.9
        convs, norms = _convs_and_norms(network)
        _check_walk_is_complete(network, convs, norms)
        assert all(
            isinstance(c.kernel_initializer, keras.initializers.HeUniform)
            for c in convs
        )
        assert all(n.momentum == 0.9 for n in norms)
    pairs = toy_pairs(2)
    for key in ("reconstruction", "keypoints"):
        np.testing.assert_array_equal(
            to_numpy(model(pairs)[key]), to_numpy(loaded(pairs)[key])
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
        (dict(kernel_initializer="he"), "kernel_initializer='he'"),
        (dict(kernel_initializer=None), "kernel_initializer=None"),
        (dict(batch_norm_momentum=1), "batch_norm_momentum=1"),
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


def test_global_appearance_pooling_hides_where_the_source_is():
    # He-initialised, so outputs are of order 1 (the reference's 0.01 init
    # gives 1e-11 and every comparison would pass).
    model = tiny_model(appearance_pooling="global", kernel_initializer="he_normal")
    rng = np.random.default_rng(0)
    target = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    source = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    output = to_numpy(model({"source": source, "target": target})["reconstruction"])
    _, maps = model.bottleneck(model.detector(target))
    features = to_numpy(model.appearance_encoder(source))
    # The generator sees the spatial mean of the appearance map everywhere.
    pooled = np.broadcast_to(features.mean(axis=(1, 2), keepdims=True), features.shape)
    expected = to_numpy(model.generator([pooled, maps]))
    scale = np.abs(expected).max()
    np.testing.assert_allclose(output, expected, atol=1e-4 * scale)
    spatial = to_numpy(model.generator([features, maps]))
    assert np.abs(spatial - expected).max() > 1e-2 * scale
    clone = type(model).from_config(model.get_config())
    assert clone.appearance_pooling == "global"
    with pytest.raises(ValueError, match="Received: appearance_pooling='max'"):
        tiny_model(appearance_pooling="max")
