import keras
import numpy as np
import pytest

from keras_landmarks.losses.loss_network import VGGFeatures
from keras_landmarks.losses.perceptual_loss import PerceptualLoss
from keras_landmarks.losses.pixel_loss import PixelLoss
from keras_landmarks.models.landmark_model import LandmarkModel
from keras_landmarks.profiling.flops import chain_conv_costs
from keras_landmarks.profiling.flops import conv_cost
from keras_landmarks.profiling.flops import landmark_step_flops


def conv_flops(height, width, kernel, c_in, c_out):
    """2 H_out W_out k k C_in C_out: a multiply and an add per tap, one example."""
    return 2 * height * width * kernel * kernel * c_in * c_out


def tiny_model(reconstruction_loss):
    return LandmarkModel(
        num_keypoints=2,
        image_size=32,
        encoder_filters=(4, 4),
        encoder_strides=(2, 2),
        generator_filters=(4, 4, 4),
        reconstruction_loss=reconstruction_loss,
    )


# Forward FLOPs per image of `tiny_model`, by hand (32x32 input).
FIRST_CONV = conv_flops(16, 16, 7, 3, 4)  # 7x7 stride 2 on the image
ENCODER = FIRST_CONV + conv_flops(8, 8, 3, 4, 4)
DETECTOR = ENCODER + conv_flops(8, 8, 1, 4, 2)  # 1x1 head to K = 2 maps
GENERATOR = (
    conv_flops(8, 8, 3, 4 + 2, 4)  # features and maps concatenated
    + conv_flops(8, 8, 3, 4, 4)
    + 2 * conv_flops(16, 16, 3, 4, 4)
    + conv_flops(32, 32, 3, 4, 4)
    + conv_flops(32, 32, 3, 4, 3)  # to RGB
)


def test_conv_cost_matches_formula():
    conv = keras.layers.Conv2D(8, 3, padding="same")
    conv.build((None, 8, 8, 3))
    cost = conv_cost(conv, (8, 8, 3))
    assert cost.flops == 2 * 8 * 8 * 3 * 3 * 3 * 8 == 27648
    assert cost.output_shape == (8, 8, 8)


def test_conv_cost_strided_valid():
    conv = keras.layers.Conv2D(4, 3, strides=2, padding="valid")
    conv.build((None, 9, 9, 2))
    cost = conv_cost(conv, (9, 9, 2))
    assert cost.output_shape == (4, 4, 4)
    assert cost.flops == conv_flops(4, 4, 3, 2, 4)


def test_conv_cost_needs_known_shape():
    conv = keras.layers.Conv2D(4, 3)
    conv.build((None, None, None, 2))
    with pytest.raises(ValueError, match="fully defined"):
        conv_cost(conv, (None, None, 2))


def test_step_flops_pixel_loss_by_hand():
    batch = 3
    flops = landmark_step_flops(tiny_model(PixelLoss()), batch)
    forward = batch * (2 * ENCODER + conv_flops(8, 8, 1, 4, 2) + GENERATOR)
    assert flops["per_network"] == {
        "detector": batch * DETECTOR,
        "appearance_encoder": batch * ENCODER,
        "generator": batch * GENERATOR,
        "loss_network": 0,
    }
    assert flops["trainable"] == {
        "forward": forward,
        "weight_grad": forward,
        # The two convs on the images need no input gradient.
        "input_grad": forward - 2 * batch * FIRST_CONV,
    }
    assert flops["total"] == 3 * forward - 2 * batch * (FIRST_CONV)
    assert len(flops["convs"]) == 3 + 2 + 6


def small_feature_network():
    images = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(4, 3, padding="same")(images)
    first = x
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(8, 3, padding="same")(x)
    return keras.Model(images, [first, x])


def test_step_flops_loss_network_by_hand():
    batch = 2
    loss = PerceptualLoss(
        network=small_feature_network(), layers=("conv1_2", "conv2_2")
    )
    flops = landmark_step_flops(tiny_model(loss), batch)
    per_image = conv_flops(32, 32, 3, 3, 4) + conv_flops(16, 16, 3, 4, 8)
    assert flops["loss_network"] == {
        "forward": 2 * batch * per_image,  # target and reconstruction
        "input_grad": batch * per_image,  # reconstruction only
        "weight_grad": 0,
    }
    trainable = sum(flops["trainable"].values())
    assert flops["total"] == trainable + 3 * batch * per_image


def test_vgg16_forward_by_hand():
    # VGG-16 up to conv5_2 on 32x32: channels per block, two or three convs.
    vgg = VGGFeatures("vgg16", weights=None, layers=("conv5_2",))
    expected, size, c_in = 0, 32, 3
    for c_out, count in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 2)):
        for _ in range(count):
            expected += conv_flops(size, size, 3, c_in, c_out)
            c_in = c_out
        size //= 2
    costs = chain_conv_costs(vgg.model, (32, 32, 3))
    assert len(costs) == 12
    assert sum(c.flops for c in costs) == expected


def test_chain_rejects_branches():
    images = keras.Input((8, 8, 3))
    a = keras.layers.Conv2D(4, 3, padding="same")(images)
    b = keras.layers.Conv2D(4, 3, padding="same")(images)
    model = keras.Model(images, keras.layers.Add()([a, b]))
    with pytest.raises(ValueError, match="not a chain"):
        chain_conv_costs(model, (8, 8, 3))


def test_batch_size_validated():
    with pytest.raises(ValueError, match="batch_size"):
        landmark_step_flops(tiny_model(PixelLoss()), 0)
    assert np.isfinite(landmark_step_flops(tiny_model(PixelLoss()), 1)["total"])
