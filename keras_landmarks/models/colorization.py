"""Self-supervised loss network: a VGG-16 trained to colourise grey images.

The paper's "selfsup" rows (and the authors' code) use a VGG-16 trained for
colourisation instead of ImageNet classification. Here: the input is the
luminance `0.299 R + 0.587 G + 0.114 B` repeated to three channels and
preprocessed exactly as `VGGFeatures` preprocesses local weight files (Caffe
style: RGB -> BGR, minus the ImageNet BGR mean, [0, 255] scale), so the trained
trunk sees the same input distribution in the perceptual loss (there the
images are in colour: the trunk was trained on grey, as the authors' was). A
small decoder reads conv3_3, conv4_3 and conv5_3 (so every layer the loss uses
is trained), upsamples and predicts RGB in [0, 1] (sigmoid), trained with the
mean squared error. Only the trunk is saved, as a `.weights.h5` of
`keras.applications.VGG16(include_top=False)`: pass its path as
`PerceptualLoss(network="vgg16", weights=path)`.
"""

import keras
from keras import ops

from keras_landmarks.losses.loss_network import CAFFE_BGR_MEAN

# ITU-R BT.601 luma weights.
LUMA = (0.299, 0.587, 0.114)
DECODER_CHANNELS = 64
# VGG-16 layers the decoder reads, and their downsampling.
DECODER_INPUTS = (("block3_conv3", 4), ("block4_conv3", 8), ("block5_conv3", 16))
TRUNK_NAME = "vgg16"


@keras.saving.register_keras_serializable(package="keras_landmarks")
class GreyForVGG(keras.layers.Layer):
    """RGB in [0, 255] -> luminance as 3 channels, Caffe-preprocessed (BGR - mean)."""

    def call(self, images):
        images = ops.cast(images, self.compute_dtype)
        grey = ops.sum(
            images * ops.array(LUMA, self.compute_dtype), axis=-1, keepdims=True
        )
        grey = ops.repeat(grey, 3, axis=-1)
        return grey - ops.array(CAFFE_BGR_MEAN, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


def colorization_model(decoder_channels=DECODER_CHANNELS):
    """The colourisation network: grey VGG-16 trunk + small decoder.

    Args:
        decoder_channels: int, default 64.

    Call arguments:
        images: `(batch, H, W, 3)` RGB in [0, 255], H and W multiples of 16.

    Returns:
        A `keras.Model` mapping images to `(batch, H, W, 3)` RGB in [0, 1]; its
        layer `"vgg16"` is the trunk to save (`save_loss_network_weights`).
    """
    images = keras.Input((None, None, 3), name="images")
    trunk = keras.applications.VGG16(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    trunk = keras.Model(
        trunk.input,
        [trunk.get_layer(name).output for name, _ in DECODER_INPUTS],
        name=TRUNK_NAME,
    )
    features = trunk(GreyForVGG(name="grey_for_vgg")(images))
    merged = None
    for (name, factor), feature in zip(DECODER_INPUTS, features, strict=True):
        x = keras.layers.Conv2D(decoder_channels, 1, name=f"from_{name}")(feature)
        if factor > 4:
            x = keras.layers.UpSampling2D(factor // 4, interpolation="bilinear")(x)
        merged = x if merged is None else merged + x
    x = keras.layers.ReLU()(merged)
    x = keras.layers.Conv2D(decoder_channels, 3, padding="same", activation="relu")(x)
    x = keras.layers.UpSampling2D(4, interpolation="bilinear")(x)
    rgb = keras.layers.Conv2D(3, 3, padding="same", activation="sigmoid", name="rgb")(x)
    return keras.Model(images, rgb, name="colorization")


def colorization_batches(images, batch_size):
    """`(rgb, rgb / 255)` batches for `fit` from a dataset of `(H, W, 3)` images."""
    return (
        images.map(lambda image: (image, image / 255.0))
        .batch(batch_size, drop_remainder=True)
        .repeat()
    )


def save_loss_network_weights(model, path):
    """Saves the trunk as a `keras.applications.VGG16(include_top=False)` file.

    Args:
        model: a `colorization_model`.
        path: str ending in `.weights.h5`.

    Returns:
        `path`, loadable by `PerceptualLoss(network="vgg16", weights=path)`.
    """
    if not str(path).endswith(".weights.h5"):
        raise ValueError(f"`path` must end in .weights.h5. Received: path={path}")
    trunk = model.get_layer(TRUNK_NAME)
    vgg = keras.applications.VGG16(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    for layer in vgg.layers:
        if layer.weights:
            layer.set_weights(trunk.get_layer(layer.name).get_weights())
    vgg.save_weights(str(path))
    return str(path)
