"""Perceptual reconstruction loss with adaptive layer weights (paper section 3.2)."""

import warnings

import keras
from keras import ops

from keras_landmarks.losses.loss_network import COLORIZATION
from keras_landmarks.losses.loss_network import build_loss_network
from keras_landmarks.losses.masked_distance import DISTANCES
from keras_landmarks.losses.masked_distance import masked_mean_distance
from keras_landmarks.losses.running_normalizer import FIRST_BATCH
from keras_landmarks.losses.running_normalizer import NORMALIZER_DECAY
from keras_landmarks.losses.running_normalizer import NormalizedLossMixin
from keras_landmarks.losses.running_normalizer import RunningNormalizer

# Reference code: the raw image plus conv1_2 ... conv5_2 of the loss network.
DEFAULT_LAYERS = ("input", "conv1_2", "conv2_2", "conv3_2", "conv4_2", "conv5_2")
# Reference code: initial running normalisers for its colourisation VGG-16 on
# [0, 255] inputs. They belong to that network and scale; see `initial_normalizers`.
REFERENCE_INITIAL_NORMALIZERS = (100.0, 1.6, 2.3, 1.8, 2.8, 100.0)
# Reference code: the sum of normalised terms is multiplied by 1000.
LOSS_SCALE = 1000.0


class RandomLossNetworkWarning(UserWarning):
    """The perceptual loss runs on a randomly initialised network."""


@keras.saving.register_keras_serializable(package="keras_landmarks")
class PerceptualLoss(NormalizedLossMixin, keras.layers.Layer):
    """Masked feature-matching loss whose per-layer weights adapt online.

    For each layer k (the raw image counts as a layer) the squared difference
    of the features of the target and of the reconstruction is averaged under
    the mask, `m_k = mean(mask_k * (phi_k(x') - phi_k(x_hat))^2)`. Each term is
    divided by a running average of itself, `w_k <- w_k + (1 - decay)(m_k - w_k)`,
    updated with the current batch and used in the same step; the gradient flows
    through the divisor, as in the reference code. The updated `w_k` is stored
    only when `training=True`. The loss is `scale * sum_k m_k / w_k`. The
    running averages live in the `running_normalizer` sublayer (a
    `RunningNormalizer`); `normalizers` and `normalizers_ready` are its weights.

    All of this is computed in float32, whatever the dtype policy.

    Args:
        network: `"vgg19"` (default, the paper text), `"vgg16"` (ImageNet
            VGG-16), `"colorization"` (the self-supervised colourisation VGG-16
            the authors' code uses, fed the grey input it was trained on; see
            `ColorizationFeatures`), `None` (pixel terms only) or a Keras
            model or layer that maps `(batch, H, W, 3)` RGB images in [0, 255]
            to a list of feature maps, one per entry of `layers` other than
            `"input"`.
        weights: for the VGG networks: `"imagenet"` (Keras' download),
            `"torchvision"` (VGG-16 only: the offline ImageNet weights prepared by
            `python -m keras_landmarks.pretrained.vgg_weights`), a path to a
            `.weights.h5` file, or `None` for random weights (warns). For
            `"colorization"`: a `.keras` file of a `ColorizationNetwork` (from
            `recipes/selfsup_vgg.py` or converted from the authors' released
            file by `python -m keras_landmarks.pretrained.colorization_weights`),
            or `None` (random, warns). With the converted file the reference's
            `REFERENCE_INITIAL_NORMALIZERS` apply.
        layers: names among `"input", "conv1_2", ..., "conv5_2"`, default all six.
        initial_normalizers: `"first_batch"` (default: each `w_k` starts at the
            first training batch's `m_k`) or one float per layer (the reference's
            `REFERENCE_INITIAL_NORMALIZERS` fit its own network and input scale
            only).
        decay: float, default 0.99.
        scale: float, default 1000.
        distance: `"l2"` (default) or `"l1"`, the per-element distance.

    Call arguments:
        target: `(batch, H, W, 3)` RGB in [0, 255], the image to reconstruct.
        reconstruction: same shape, the generator's output.
        loss_mask: optional `(batch, H, W, 1)` in [0, 1]; resized to each layer.
        training: bool. Only then are the running normalisers stored.

    Returns:
        Dict with `"total"` (scalar) and one scalar per layer name: that layer's
        normalised term `m_k / w_k` (before `scale`).

    Example:

    >>> loss = PerceptualLoss(network=None, layers=("input",))
    >>> terms = loss(target, reconstruction, training=True)
    >>> terms["total"]
    """

    def __init__(
        self,
        network="vgg19",
        weights="imagenet",
        layers=DEFAULT_LAYERS,
        initial_normalizers=FIRST_BATCH,
        decay=NORMALIZER_DECAY,
        scale=LOSS_SCALE,
        distance="l2",
        **kwargs,
    ):
        restoring = kwargs.pop("_restoring", False)
        super().__init__(**kwargs)
        layers = tuple(layers)
        unknown = [name for name in layers if name not in DEFAULT_LAYERS]
        if not layers or unknown or len(set(layers)) != len(layers):
            raise ValueError(
                f"`layers` must be distinct names among {DEFAULT_LAYERS}. "
                f"Received: layers={layers}"
            )
        if network is None and layers != ("input",):
            raise ValueError(
                "Without a loss network only the 'input' layer exists. "
                f"Received: network=None, layers={layers}"
            )
        # Validates `initial_normalizers` and `decay`. Made before the network
        # so that `weights` lists the normalisers first, as it always has.
        self.running_normalizer = RunningNormalizer(
            len(layers),
            initial_normalizers=initial_normalizers,
            decay=decay,
            dtype="float32",
            name="running_normalizer",
        )
        if distance not in DISTANCES:
            raise ValueError(
                f"`distance` must be 'l1' or 'l2'. Received: distance={distance!r}"
            )
        self.layer_names = layers
        self.initial_normalizers = self.running_normalizer.initial_normalizers
        self.decay = self.running_normalizer.decay
        self.scale = float(scale)
        self.distance = distance
        self.weights_spec = weights
        feature_layers = [name for name in layers if name != "input"]
        if isinstance(network, keras.layers.Layer):
            self.network_spec = None
            self.network = network
        elif network is None:
            self.network_spec = None
            self.network = None
        else:
            self.network_spec = network
            if weights is None and not restoring:
                warnings.warn(
                    f"PerceptualLoss: the {network} loss network has random weights "
                    "because weights=None was passed. Use this only for tests.",
                    RandomLossNetworkWarning,
                    stacklevel=2,
                )
            self.network = build_loss_network(
                network,
                None if restoring else weights,
                feature_layers,
            )
            if network == COLORIZATION:
                # Its architecture travels in the config (`get_config`), not
                # its name: a trained network need not have the default widths.
                self.network_spec = None
        if self.network is not None:
            self.network.trainable = False
        self._num_feature_layers = len(feature_layers)

    def build(self, target_shape, reconstruction_shape=None, loss_mask_shape=None):
        if len(target_shape) != 4 or target_shape[-1] != 3:
            raise ValueError(
                "PerceptualLoss expects (batch, H, W, 3) RGB images. "
                f"Received: shape={tuple(target_shape)}"
            )
        if not self.running_normalizer.built:
            self.running_normalizer.build((len(self.layer_names),))
        if self.network is not None and not self.network.built:
            self.network.build(tuple(target_shape))
        self.built = True

    def features(self, target, reconstruction):
        """Features of both images for every layer, each as `(gt, pred)`."""
        target = ops.stop_gradient(ops.cast(target, "float32"))
        reconstruction = ops.cast(reconstruction, "float32")
        pairs = []
        if "input" in self.layer_names:
            pairs.append((target, reconstruction))
        if self.network is not None:
            # Two passes rather than one over the concatenated batch: the
            # target's features need no backward pass at all (one concatenated
            # pass would compute, then drop, the target half's input gradient:
            # +22 % of the paper configuration's step FLOPs).
            gt_outputs = self._run_network(target)
            pred_outputs = self._run_network(reconstruction)
            for gt, pred in zip(gt_outputs, pred_outputs, strict=True):
                pairs.append((ops.stop_gradient(gt), pred))
        return pairs

    def _run_network(self, images):
        outputs = self.network(images)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        if len(outputs) != self._num_feature_layers:
            raise ValueError(
                f"The loss network returned {len(outputs)} feature maps; "
                f"{self._num_feature_layers} are needed for layers "
                f"{self.layer_names}."
            )
        return [ops.cast(output, "float32") for output in outputs]

    def call(self, target, reconstruction, loss_mask=None, training=False):
        pairs = self.features(target, reconstruction)
        return self.loss_from_features(pairs, loss_mask=loss_mask, training=training)

    def loss_from_features(self, pairs, loss_mask=None, training=False):
        """The loss from precomputed `(gt, pred)` feature pairs, one per layer."""
        means = [
            masked_mean_distance(gt, pred, loss_mask, self.distance)
            for gt, pred in pairs
        ]
        terms, normalizers = self.running_normalizer(
            ops.stack(means), training=training
        )
        result = {"total": self.scale * ops.sum(terms)}
        for i, name in enumerate(self.layer_names):
            result[name] = terms[i]
        result["normalizers"] = normalizers
        return result

    def compute_output_spec(
        self, target, reconstruction, loss_mask=None, training=False
    ):
        spec = {"total": keras.KerasTensor((), dtype="float32")}
        for name in self.layer_names:
            spec[name] = keras.KerasTensor((), dtype="float32")
        spec["normalizers"] = keras.KerasTensor(
            (len(self.layer_names),), dtype="float32"
        )
        return spec

    def get_config(self):
        config = super().get_config()
        network = self.network_spec
        if network is None and self.network is not None:
            network = keras.saving.serialize_keras_object(self.network)
        initial = self.initial_normalizers
        config.update(
            {
                "network": network,
                "weights": self.weights_spec,
                "layers": self.layer_names,
                "initial_normalizers": (
                    initial if initial == FIRST_BATCH else list(initial)
                ),
                "decay": self.decay,
                "scale": self.scale,
                "distance": self.distance,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        network = config.get("network")
        if isinstance(network, dict):
            config["network"] = keras.saving.deserialize_keras_object(network)
        elif network is not None:
            # Loading a saved model: the saved weights replace these next, so don't
            # download or warn here.
            config["_restoring"] = True
        return cls(**config)
