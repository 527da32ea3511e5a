"""The colourisation network as the perceptual loss's feature extractor.

Feeds the network what it was trained on: the authors' landmark code (github
tomasjakab/imm, `imm/models/selfsup/build_vgg16.py`) turns the RGB images of
the loss, on the [0, 255] scale, into the mean of R, G and B, divides by 255 and
subtracts 114.451 / 255, then reads conv1_2 ... conv5_2 after ReLU with the
file's batch norm applied in inference mode (folded into the convs there).
`ColorizationNetwork.trunk` does the normalisation and the batch norm; this
layer takes the mean of the channels.
"""

import os

import keras
from keras import ops

from keras_landmarks.losses.colorization_network import ColorizationNetwork

# Our layer names -> the network's (the same VGG names).
FEATURE_LAYERS = ("conv1_2", "conv2_2", "conv3_2", "conv4_2", "conv5_2")


@keras.saving.register_keras_serializable(package="keras_landmarks")
class ColorizationFeatures(keras.layers.Layer):
    """Frozen trunk features of a `ColorizationNetwork` for RGB images.

    Only the trunk up to the deepest requested layer is built (and saved with
    a model that holds this loss): the rest of the network is not needed.

    Args:
        layers: names among `"conv1_2", ..., "conv5_2"`.
        network: a `ColorizationNetwork`'s config dict, or the network
            itself (default `None`: the published architecture with fresh
            weights). Load trained weights with `colorization_features(path,
            layers)`.

    Call arguments:
        images: `(batch, H, W, 3)` RGB in [0, 255], H and W multiples of 16.

    Returns:
        List of `(batch, H / s, W / s, c)` feature maps, one per layer.
    """

    def __init__(self, layers=FEATURE_LAYERS, network=None, **kwargs):
        super().__init__(**kwargs)
        layers = tuple(layers)
        unknown = [name for name in layers if name not in FEATURE_LAYERS]
        if not layers or unknown:
            raise ValueError(
                f"`layers` must be names among {FEATURE_LAYERS}. "
                f"Received: layers={layers}"
            )
        if isinstance(network, dict):
            network = ColorizationNetwork.from_config(network)
        elif network is None:
            network = ColorizationNetwork()
        elif not isinstance(network, ColorizationNetwork):
            raise ValueError(
                "`network` must be a ColorizationNetwork or its config. "
                f"Received: network={type(network).__name__}"
            )
        self.layer_names = layers
        self.network = network
        self.network.trainable = False
        self.trainable = False
        self._last = max(layers, key=network.trunk_names.index)

    def build(self, input_shape=None):
        self.network.build_trunk(self._last)
        self.built = True

    def call(self, images):
        lightness = ops.mean(
            ops.cast(images, self.compute_dtype), axis=-1, keepdims=True
        )
        activations = self.network.trunk(lightness, up_to=self._last, training=False)
        return [activations[name] for name in self.layer_names]

    def compute_output_spec(self, images):
        batch, height, width = images.shape[:3]
        specs = []
        for name in self.layer_names:
            stride = self.network.strides[name]
            specs.append(
                keras.KerasTensor(
                    (
                        batch,
                        None if height is None else height // stride,
                        None if width is None else width // stride,
                        self.network.channels[name],
                    ),
                    dtype=self.compute_dtype,
                )
            )
        return specs

    def get_config(self):
        config = super().get_config()
        config.update(
            {"layers": self.layer_names, "network": self.network.get_config()}
        )
        return config


def colorization_features(path, layers=FEATURE_LAYERS, name="colorization_features"):
    """`ColorizationFeatures` with the network saved at `path`.

    Args:
        path: a `.keras` file holding a `ColorizationNetwork` (from
            `recipes/selfsup_vgg.py`, or converted from the authors' released
            weights by `keras_landmarks.pretrained.colorization_weights`).
        layers: as in `ColorizationFeatures`.

    Raises:
        ValueError: the file is missing, unreadable, or not a
            `ColorizationNetwork`.
    """
    path = os.fspath(path)
    if not path.endswith(".keras") or not os.path.exists(path):
        raise ValueError(
            "The colorization loss network must be a .keras file saved from a "
            "ColorizationNetwork (recipes/selfsup_vgg.py, or `python -m "
            "keras_landmarks.pretrained.colorization_weights` for the authors' "
            f"vgg16.caffemodel.h5). Received: weights={path!r}"
        )
    try:
        network = keras.saving.load_model(path, compile=False)
    except (OSError, ValueError, KeyError) as error:
        raise ValueError(
            f"Cannot load the colorization network {path}: {error}"
        ) from None
    if not isinstance(network, ColorizationNetwork):
        raise ValueError(
            f"{path} holds a {type(network).__name__}, not a ColorizationNetwork."
        )
    features = ColorizationFeatures(layers, network=network.get_config(), name=name)
    features.build()
    for group in ("convs", "batch_norms"):
        for layer_name, layer in getattr(features.network, group).items():
            if layer.built:
                layer.set_weights(getattr(network, group)[layer_name].get_weights())
    return features
