"""ConvBlock, and the initializer and batch-norm arguments every network passes
down to its blocks."""

import keras
import numpy as np
import pytest

from keras_landmarks.models import ConvBlock
from keras_landmarks.models import ConvEncoder
from keras_landmarks.models import ImageGenerator
from keras_landmarks.models import LandmarkDetector
from keras_landmarks.models.conv_block import REFERENCE_WEIGHT_DECAY
from tests.helpers import run_layer_battery


def _images(n=2, size=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 255, (n, size, size, 3)).astype("float32")


def test_init_and_weight_decay():
    block = ConvBlock(16, 3)
    block.build((None, 8, 8, 3))
    kernel = block.conv.kernel
    assert np.all(np.abs(np.asarray(kernel)) <= 0.02 + 1e-7)  # truncated at 2 std
    assert float(np.std(np.asarray(kernel))) == pytest.approx(0.0088, rel=0.25)
    assert np.all(np.asarray(block.conv.bias) == 0)
    assert block.conv.kernel_regularizer.l2 == pytest.approx(1e-5)
    assert block.norm.momentum == 0.99 and block.norm.epsilon == 1e-3


@pytest.mark.parametrize(
    "kernel_initializer, make_expected",
    [
        (None, lambda: keras.initializers.TruncatedNormal(stddev=0.01)),
        ("reference", lambda: keras.initializers.TruncatedNormal(stddev=0.01)),
        ("he_normal", keras.initializers.HeNormal),
        ("glorot_uniform", keras.initializers.GlorotUniform),
    ],
)
def test_kernel_is_the_named_initializer_under_the_same_seed(
    kernel_initializer, make_expected
):
    # None: the default, which must stay the reference code's truncated normal.
    # Also shows that checking the name draws no seed of its own.
    kwargs = (
        {} if kernel_initializer is None else {"kernel_initializer": kernel_initializer}
    )
    keras.utils.set_random_seed(3)
    block = ConvBlock(8, 3, **kwargs)
    block.build((None, 8, 8, 4))
    keras.utils.set_random_seed(3)
    expected = make_expected()((3, 3, 4, 8))
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(block.conv.kernel),
        keras.ops.convert_to_numpy(expected),
    )
    assert block.get_config()["kernel_initializer"] == (
        kernel_initializer or "reference"
    )


def _std(variable):
    return float(np.std(keras.ops.convert_to_numpy(variable)))


def test_he_normal_std_on_convs_of_known_fan_in():
    # Keras' he_normal: std sqrt(2 / fan_in), fan_in = kh * kw * in_channels.
    block = ConvBlock(64, 3, kernel_initializer="he_normal")
    block.build((None, 8, 8, 16))
    assert _std(block.conv.kernel) == pytest.approx((2 / 144) ** 0.5, rel=0.1)

    # The detector's 1x1 head: fan_in = the encoder's last channels, 64.
    detector = LandmarkDetector(32, (8, 64), (1, 1), kernel_initializer="he_normal")
    detector.build((None, 16, 16, 3))
    assert _std(detector.head.kernel) == pytest.approx((2 / 64) ** 0.5, rel=0.1)
    first = detector.encoder.blocks[0].conv.kernel  # 7x7x3: fan_in 147
    assert _std(first) == pytest.approx((2 / 147) ** 0.5, rel=0.1)

    # The generator's last (linear) conv: 3x3 on 32 channels, fan_in 288.
    generator = ImageGenerator((8, 32), kernel_initializer="he_normal")
    generator.build(((None, 8, 8, 8), (None, 8, 8, 4)))
    assert _std(generator.to_image.kernel) == pytest.approx((2 / 288) ** 0.5, rel=0.1)
    # ... while the reference init would give 0.0088 everywhere.
    reference = ImageGenerator((8, 32))
    reference.build(((None, 8, 8, 8), (None, 8, 8, 4)))
    assert _std(reference.to_image.kernel) == pytest.approx(0.0088, rel=0.25)


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.99])
def test_batch_norm_momentum_sets_the_moving_statistics(momentum):
    block = ConvBlock(4, 1, batch_norm_momentum=momentum)
    images = _images(4, 8)
    block(images, training=True)
    batch_mean = np.mean(keras.ops.convert_to_numpy(block.conv(images)), (0, 1, 2))
    # Keras: moving = momentum * moving + (1 - momentum) * batch, from 0.
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(block.norm.moving_mean),
        (1 - momentum) * batch_mean,
        rtol=1e-4,
        atol=1e-6,
    )


def test_new_arguments_reach_every_block_and_survive_the_config():
    kwargs = dict(kernel_initializer="he_uniform", batch_norm_momentum=0.8)
    layers = [
        ConvBlock(8, **kwargs),
        ConvEncoder((8, 8), (1, 2), **kwargs),
        LandmarkDetector(4, (8, 8), (1, 2), **kwargs),
        ImageGenerator((8, 8), **kwargs),
    ]
    for layer in layers:
        clone = type(layer).from_config(layer.get_config())
        for network in (layer, clone):
            assert network.kernel_initializer == "he_uniform"
            assert network.batch_norm_momentum == 0.8
            convs, norms = _convs_and_norms(network)
            assert convs and norms
            assert all(
                isinstance(c.kernel_initializer, keras.initializers.HeUniform)
                for c in convs
            )
            assert all(n.momentum == 0.8 for n in norms)


def _convs_and_norms(network):
    if isinstance(network, ConvBlock):
        return [network.conv], [network.norm]
    if isinstance(network, ConvEncoder):
        blocks, extra = network.blocks, []
    elif isinstance(network, LandmarkDetector):
        blocks, extra = network.encoder.blocks, [network.head]
    else:
        blocks = [b for stage in network.stages for b in stage]
        extra = [network.to_image]
    return [b.conv for b in blocks] + extra, [b.norm for b in blocks]


def test_battery(tmp_path):
    run_layer_battery(ConvBlock(8, 3, strides=2), _images(), tmp_path)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: ConvBlock(8, kernel_initializer="he"), "kernel_initializer='he'"),
        (
            lambda: ConvBlock(8, kernel_initializer=keras.initializers.HeNormal()),
            "kernel_initializer=<",
        ),
        (lambda: ConvBlock(8, batch_norm_momentum=1.0), "batch_norm_momentum=1.0"),
        (
            lambda: ConvBlock(8, batch_norm_momentum=float("nan")),
            "batch_norm_momentum=nan",
        ),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def _regularization_loss(block, kernel):
    block.build((None, 4, 4, kernel.shape[2]))
    block.conv.kernel.assign(kernel)
    block(np.zeros((1, 4, 4, kernel.shape[2]), "float32"))
    return sum(float(keras.ops.convert_to_numpy(loss)) for loss in block.losses)


def test_weight_decay_conventions_on_a_known_kernel():
    kernel = np.arange(1, 3 * 3 * 2 * 4 + 1, dtype="float32").reshape(3, 3, 2, 4)
    squares = float(np.sum(kernel.astype("float64") ** 2))
    # Keras' L2(1e-5): 1e-5 * Σw², the models' default (the CPU preset's).
    keras_loss = _regularization_loss(ConvBlock(4, 3), kernel)
    assert keras_loss == pytest.approx(1e-5 * squares, rel=1e-5)
    # The reference's TF1 l2_regularizer(1e-5): 1e-5 * Σw² / 2.
    reference = ConvBlock(4, 3, weight_decay=REFERENCE_WEIGHT_DECAY)
    reference_loss = _regularization_loss(reference, kernel)
    assert reference_loss == pytest.approx(1e-5 * squares / 2, rel=1e-5)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="compares with TF1's l2_loss, a TensorFlow op",
)
def test_reference_weight_decay_is_tf1_l2_regularizer():
    import tensorflow as tf

    kernel = np.random.default_rng(0).normal(size=(3, 3, 2, 4)).astype("f4")
    block = ConvBlock(4, 3, weight_decay=REFERENCE_WEIGHT_DECAY)
    # tf.contrib.layers.l2_regularizer(scale)(w) is scale * tf.nn.l2_loss(w).
    expected = 1e-5 * float(tf.nn.l2_loss(kernel))
    assert _regularization_loss(block, kernel) == pytest.approx(expected, rel=1e-5)
