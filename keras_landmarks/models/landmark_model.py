"""The full model: detector, bottleneck, appearance encoder, generator, loss."""

import keras
import numpy as np
from keras import ops

from keras_landmarks.distribution import scale_loss_for_replicas
from keras_landmarks.integers import is_integer
from keras_landmarks.layers.keypoint_bottleneck import KeypointBottleneck
from keras_landmarks.layers.keypoints_to_heatmaps import DEFAULT_STD
from keras_landmarks.losses.equivariance_loss import EquivarianceLoss
from keras_landmarks.losses.perceptual_loss import PerceptualLoss
from keras_landmarks.models.conv_block import BATCH_NORM_MOMENTUM
from keras_landmarks.models.conv_block import KERNEL_INITIALIZER
from keras_landmarks.models.conv_block import WEIGHT_DECAY
from keras_landmarks.models.conv_block import validate_batch_norm_momentum
from keras_landmarks.models.conv_block import validate_kernel_initializer
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_FILTERS
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_STRIDES
from keras_landmarks.models.conv_encoder import ConvEncoder
from keras_landmarks.models.image_generator import INTERPOLATION
from keras_landmarks.models.image_generator import REFERENCE_GENERATOR_FILTERS
from keras_landmarks.models.image_generator import ImageGenerator
from keras_landmarks.models.landmark_detector import LandmarkDetector
from keras_landmarks.models.landmark_detector import validate_num_keypoints
from keras_landmarks.models.optimizer import reference_optimizer

# Paper: 128x128 faces.
REFERENCE_IMAGE_SIZE = 128
# The entries of a pair dict the model reads (the rest, e.g. landmarks, it
# ignores): the images and loss mask, then the warps of the equivariance term
# (still images: "source_grid"; video frames: a warped copy of the target).
PAIR_ENTRIES = (
    "source",
    "target",
    "mask",
    "source_grid",
    "warped_target",
    "warped_target_grid",
)
# None: the reference's spatial appearance map; "global": averaged over space.
APPEARANCE_POOLINGS = (None, "global")
MIN_IMAGE_SIZE = 32


def unpack_pair(inputs):
    """`(source, target, mask)` from a dict or a 2/3-tuple; mask may be None."""
    if isinstance(inputs, dict):
        missing = {"source", "target"} - set(inputs)
        if missing:
            raise ValueError(
                "LandmarkModel inputs must hold 'source' and 'target' (and "
                f"optionally 'mask'). Missing: {sorted(missing)}; received keys: "
                f"{sorted(inputs)}"
            )
        return inputs["source"], inputs["target"], inputs.get("mask")
    if isinstance(inputs, (list, tuple)) and len(inputs) in (2, 3):
        return inputs[0], inputs[1], inputs[2] if len(inputs) == 3 else None
    raise ValueError(
        "LandmarkModel inputs must be a dict {'source', 'target'[, 'mask']} or a "
        f"tuple (source, target[, mask]). Received: {type(inputs).__name__}"
    )


def _image_size(image_size):
    if is_integer(image_size):
        return (int(image_size), int(image_size))
    if (
        isinstance(image_size, (list, tuple))
        and len(image_size) == 2
        and all(is_integer(s) for s in image_size)
    ):
        return (int(image_size[0]), int(image_size[1]))
    raise ValueError(
        "`image_size` must be an int or (height, width). "
        f"Received: image_size={image_size!r}"
    )


@keras.saving.register_keras_serializable(package="keras_landmarks")
class LandmarkModel(keras.Model):
    """Unsupervised landmarks by conditional image generation (Jakab et al. 2018).

    The detector sees the target image x' and produces K heatmaps; the
    `KeypointBottleneck` turns them into K points and re-renders them as Gaussian
    maps; the generator reconstructs x' from those maps and the appearance
    features of the source image x. Training minimises the reconstruction loss
    (by default the adaptive perceptual loss) with `model.fit`, on every backend:
    the loss is computed in the `compute_loss` override.

    Args:
        num_keypoints: int, default 10. K.
        image_size: int or `(height, width)`, default 128. A multiple of the
            detector's downsampling (8 for the reference networks), at least 32.
        encoder_filters, encoder_strides: the detector's and appearance
            encoder's conv stack (default the reference's 8 layers, 1/8 output).
        generator_filters: channels per generator resolution (default
            256, 128, 64, 32). Needs `len - 1` upsamplings = log2(downsampling).
        gaussian_std: float, default 0.1. See `KeypointsToHeatmaps`.
        weight_decay: float, default 1e-5, on conv kernels, in Keras' `L2`
            convention (λΣw²); the reference's TF1 `l2_regularizer(1e-5)`
            (λΣw²/2) is `conv_block.REFERENCE_WEIGHT_DECAY`, as `paper_model`.
        generator_interpolation: `"bilinear"` (default, Keras' half-pixel
            `UpSampling2D`) or `"tf1_bilinear"` (the reference's TF1 resize,
            `LegacyBilinearUpsampling`, as `paper_model`). See `ImageGenerator`.
        generator_output: `None` (default: linear output, the reference) or
            `"sigmoid"` (255 * sigmoid: learns the colour range much sooner;
            the CPU preset's choice).
        detector, appearance_encoder, generator: optional prebuilt networks
            replacing the ones the arguments above describe.
        bottleneck: optional layer replacing the `KeypointBottleneck`: maps
            heatmaps to `(code, maps)` and has `to_keypoints(heatmaps)` (e.g.
            `DenseBottleneck`, the paper's fully connected ablation; then
            `"keypoints"` is the code and `predict_keypoints` does not apply).
        reconstruction_loss: a `PerceptualLoss`/`PixelLoss` layer. Default
            `PerceptualLoss()`: VGG-19 with Keras' ImageNet weights.
        equivariance_weight: float, default 0 (the paper's objective). When
            positive, training also runs the detector on the source and adds
            `equivariance_weight * EquivarianceLoss` (the source keypoints,
            carried through the known warp, must land on the target keypoints);
            the pairs must then carry "source_grid"
            (`tps_pairs(..., return_grid=True)`). Pairs without a known
            warp (video frames) carry "warped_target" and its grid
            instead (`with_warped_target`): the detector then runs on that
            copy, whose keypoints must land on the target's.
        kernel_initializer: str, default `"reference"` (truncated normal, std
            0.01, the reference code's) or a Keras initializer name such as
            `"he_normal"` or `"glorot_uniform"`: every conv of the networks this
            model builds (not of prebuilt ones passed in).
        batch_norm_momentum: float in [0, 1), default 0.99 (reference code):
            every batch norm of the networks this model builds.

    Call arguments:
        inputs: dict `{"source", "target"[, "mask"]}` or tuple
            `(source, target[, mask])`; images `(batch, H, W, 3)` RGB in [0, 255],
            mask `(batch, H, W, 1)` in [0, 1].
        training: bool.

    Returns:
        Dict: `"reconstruction"` `(batch, H, W, 3)`, `"keypoints"` `(batch, K, 2)`
        (x, y) in [-1, 1], `"heatmaps"` `(batch, h, w, K)` raw detector logits,
        `"gaussian_maps"` `(batch, h, w, K)`.

    Example:

    >>> model = LandmarkModel(num_keypoints=10, image_size=128)
    >>> model.compile()  # Adam 1e-3, clipnorm 1, lr x0.95 every 100k steps
    >>> model.fit(pairs)  # dicts {"source", "target", "mask"}
    >>> model.predict_keypoints(images)  # (N, 10, 2) pixel (x, y)
    """

    def __init__(
        self,
        num_keypoints=10,
        image_size=REFERENCE_IMAGE_SIZE,
        encoder_filters=REFERENCE_ENCODER_FILTERS,
        encoder_strides=REFERENCE_ENCODER_STRIDES,
        generator_filters=REFERENCE_GENERATOR_FILTERS,
        gaussian_std=DEFAULT_STD,
        weight_decay=WEIGHT_DECAY,
        generator_output=None,
        detector=None,
        appearance_encoder=None,
        generator=None,
        reconstruction_loss=None,
        bottleneck=None,
        equivariance_weight=0.0,
        kernel_initializer=KERNEL_INITIALIZER,
        batch_norm_momentum=BATCH_NORM_MOMENTUM,
        appearance_pooling=None,
        generator_interpolation=INTERPOLATION,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if appearance_pooling not in APPEARANCE_POOLINGS:
            raise ValueError(
                f"`appearance_pooling` must be one of {APPEARANCE_POOLINGS}. "
                f"Received: appearance_pooling={appearance_pooling!r}"
            )
        self.appearance_pooling = appearance_pooling
        if not equivariance_weight >= 0:
            raise ValueError(
                "`equivariance_weight` must be >= 0. "
                f"Received: equivariance_weight={equivariance_weight}"
            )
        self.equivariance_weight = float(equivariance_weight)
        num_keypoints = validate_num_keypoints(num_keypoints)
        self.image_size = _image_size(image_size)
        validate_kernel_initializer(kernel_initializer)
        validate_batch_norm_momentum(batch_norm_momentum)
        self.gaussian_std = gaussian_std
        self.weight_decay = weight_decay
        self.kernel_initializer = kernel_initializer
        self.batch_norm_momentum = float(batch_norm_momentum)
        self.detector = detector or LandmarkDetector(
            num_keypoints,
            encoder_filters,
            encoder_strides,
            weight_decay,
            kernel_initializer=kernel_initializer,
            batch_norm_momentum=batch_norm_momentum,
            dtype=self.dtype_policy,
            name="detector",
        )
        self.num_keypoints = self.detector.num_keypoints
        if detector is not None and num_keypoints != self.num_keypoints:
            raise ValueError(
                f"num_keypoints={num_keypoints} but the detector has "
                f"{self.num_keypoints}."
            )
        self.encoder_filters = self.detector.filters
        self.encoder_strides = self.detector.strides
        self.appearance_encoder = appearance_encoder or ConvEncoder(
            encoder_filters,
            encoder_strides,
            weight_decay,
            kernel_initializer=kernel_initializer,
            batch_norm_momentum=batch_norm_momentum,
            dtype=self.dtype_policy,
            name="appearance_encoder",
        )
        self.generator = generator or ImageGenerator(
            generator_filters,
            3,
            weight_decay,
            output_activation=generator_output,
            output_scale=255.0 if generator_output == "sigmoid" else 1.0,
            kernel_initializer=kernel_initializer,
            batch_norm_momentum=batch_norm_momentum,
            interpolation=generator_interpolation,
            dtype=self.dtype_policy,
            name="generator",
        )
        self.generator_filters = self.generator.filters
        # Softmax and Gaussian rendering stay float32 under mixed precision.
        self.bottleneck = bottleneck or KeypointBottleneck(
            gaussian_std, dtype="float32", name="bottleneck"
        )
        self.reconstruction_loss = reconstruction_loss or PerceptualLoss(
            name="reconstruction_loss"
        )
        self._check_geometry()
        self.equivariance_loss = None
        self.equivariance_tracker = None
        if self.equivariance_weight > 0:
            self.equivariance_loss = EquivarianceLoss(
                self.image_size, self.heatmap_size, name="equivariance_loss"
            )
            self.equivariance_tracker = keras.metrics.Mean(name="equivariance_loss")
        self.term_names = tuple(self.reconstruction_loss.layer_names)
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.term_trackers = [
            keras.metrics.Mean(name=f"{name}_term") for name in self.term_names
        ]
        self._build_networks()

    def _check_geometry(self):
        height, width = self.image_size
        factor = self.detector.downsampling
        if self.appearance_encoder.downsampling != factor:
            raise ValueError(
                f"The detector downsamples by {factor} but the appearance encoder "
                f"by {self.appearance_encoder.downsampling}; they must agree."
            )
        if self.generator.upsampling != factor:
            raise ValueError(
                f"The generator upsamples by {self.generator.upsampling} "
                f"(generator_filters={self.generator.filters}) but the encoders "
                f"downsample by {factor}: give the generator "
                f"{int(np.log2(factor)) + 1} levels."
            )
        for name, size in (("height", height), ("width", width)):
            if size < MIN_IMAGE_SIZE or size % factor:
                raise ValueError(
                    f"Image {name} must be a multiple of {factor} (the networks' "
                    f"downsampling) and at least {MIN_IMAGE_SIZE}. Received: "
                    f"image_size={self.image_size}"
                )

    def _build_networks(self):
        # Sub-networks passed in (or restored by `load_model`) may be built already.
        image_shape = (None, *self.image_size, 3)
        heatmap_shape = self.detector.compute_output_shape(image_shape)
        features_shape = self.appearance_encoder.compute_output_shape(image_shape)
        for layer, shape in (
            (self.detector, image_shape),
            (self.bottleneck, heatmap_shape),
            (self.appearance_encoder, image_shape),
            (
                self.generator,
                (
                    features_shape,
                    self.bottleneck.compute_output_shape(heatmap_shape)[1],
                ),
            ),
            (self.reconstruction_loss, image_shape),
        ):
            if not layer.built:
                layer.build(shape)
        self.built = True

    @property
    def heatmap_size(self):
        factor = self.detector.downsampling
        return (self.image_size[0] // factor, self.image_size[1] // factor)

    def check_images(self, images, name="images"):
        """Raise a ValueError naming the problem if `images` has the wrong shape."""
        shape = tuple(images.shape)
        if len(shape) != 4:
            raise ValueError(
                f"`{name}` must have rank 4, (batch, height, width, 3). "
                f"Received: shape={shape}"
            )
        if shape[-1] != 3:
            raise ValueError(
                f"`{name}` must have 3 channels (RGB). Received: shape={shape}"
            )
        if tuple(shape[1:3]) != self.image_size:
            raise ValueError(
                f"`{name}` must be {self.image_size[0]}x{self.image_size[1]} for "
                f"this model. Received: shape={shape}"
            )

    def detect(self, images, training=False):
        """Keypoints in [-1, 1] and raw heatmaps of `(batch, H, W, 3)` images."""
        self.check_images(images)
        heatmaps = self.detector(images, training=training)
        keypoints = self.bottleneck.to_keypoints(heatmaps)
        return keypoints, heatmaps

    def call(self, inputs, training=None):
        source, target, _ = unpack_pair(inputs)
        self.check_images(source, "source")
        self.check_images(target, "target")
        heatmaps = self.detector(target, training=training)
        keypoints, maps = self.bottleneck(heatmaps)
        features = self.appearance_encoder(source, training=training)
        if self.appearance_pooling == "global":
            pooled = ops.mean(features, axis=(1, 2), keepdims=True)
            features = ops.broadcast_to(pooled, ops.shape(features))
        reconstruction = self.generator([features, maps], training=training)
        return {
            "reconstruction": reconstruction,
            "keypoints": keypoints,
            "heatmaps": heatmaps,
            "gaussian_maps": maps,
        }

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        _, target, mask = unpack_pair(x)
        terms = self.reconstruction_loss(
            target, y_pred["reconstruction"], loss_mask=mask, training=training
        )
        total = terms["total"]
        self.reconstruction_tracker.update_state(total)
        for name, tracker in zip(self.term_names, self.term_trackers, strict=False):
            tracker.update_state(terms[name])
        if self.equivariance_loss is not None and training:
            total = total + self.equivariance_weight * self._equivariance(x, y_pred)
        regularization = self.losses
        if regularization:
            total = total + ops.cast(ops.sum(ops.stack(regularization)), total.dtype)
        # tf.distribute sums the replicas' gradients.
        return scale_loss_for_replicas(total)

    def _equivariance(self, x, y_pred):
        if isinstance(x, dict) and "warped_target_grid" in x:
            warped, grid = x["warped_target"], x["warped_target_grid"]
        elif isinstance(x, dict) and "source_grid" in x:
            warped, grid = x["source"], x["source_grid"]
        else:
            raise ValueError(
                f"equivariance_weight={self.equivariance_weight} needs pairs with "
                "'source_grid' (tps_pairs(..., return_grid=True)) or, for video "
                "frames, 'warped_target_grid' (with_warped_target). Received "
                f"keys: {sorted(x) if isinstance(x, dict) else type(x).__name__}"
            )
        warped_heatmaps = self.detector(warped, training=True)
        warped_keypoints = self.bottleneck.to_keypoints(warped_heatmaps)
        loss = self.equivariance_loss(warped_keypoints, y_pred["keypoints"], grid)
        self.equivariance_tracker.update_state(loss)
        return loss

    def compile(self, optimizer="reference", **kwargs):
        """Like `keras.Model.compile`; `optimizer="reference"` is the paper's Adam.

        The loss is the model's own `reconstruction_loss`: passing `loss=` is an
        error.
        """
        if kwargs.get("loss") is not None:
            raise ValueError(
                "LandmarkModel computes its own loss (`reconstruction_loss`); "
                f"do not pass `loss` to compile. Received: loss={kwargs['loss']!r}"
            )
        if isinstance(optimizer, str) and optimizer == "reference":
            optimizer = reference_optimizer()
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        # `compile` is overridden, so Keras leaves restoring it to us.
        config = keras.saving.deserialize_keras_object(config)
        config.pop("loss", None)
        self.compile(**config)
        if self.optimizer is not None and self.built:
            self.optimizer.build(self.trainable_variables)

    def predict_keypoints(self, images, batch_size=32):
        """Keypoints of `images` in pixels, inference mode.

        Args:
            images: `(N, H, W, 3)` RGB in [0, 255] (array or tensor).
            batch_size: int, default 32.

        Returns:
            numpy `(N, K, 2)` float32 pixel (x, y); pixel centres at integer
            coordinates, so -1 and +1 map to 0 and size - 1.
        """
        images = np.asarray(images, dtype="float32")
        self.check_images(images)
        if batch_size < 1:
            raise ValueError(f"`batch_size` must be >= 1. Received: {batch_size}")
        outputs = []
        for start in range(0, len(images), batch_size):
            keypoints, _ = self.detect(images[start : start + batch_size])
            outputs.append(ops.convert_to_numpy(keypoints))
        if not outputs:
            return np.zeros((0, self.num_keypoints, 2), "float32")
        return normalized_to_pixels(np.concatenate(outputs), self.image_size)

    @classmethod
    def from_preset(cls, preset):
        """A trained model by preset name, preset folder or `hf://` handle.

        Args:
            preset: a shipped preset's name (`keras_landmarks.presets.list()`,
                e.g. `"synthetic_faces"`), a local preset folder
                (`keras_landmarks.presets.save_to_preset`) or
                `"hf://OWNER/NAME"` (Keras' own Hugging Face loader).

        Returns:
            The `LandmarkModel`, uncompiled: `compile` it to fine-tune.

        Raises:
            ValueError: an unknown name (the message lists the known ones) or
                files that are not a LandmarkModel preset.

        Example:

        >>> model = LandmarkModel.from_preset("synthetic_faces")
        >>> model.predict_keypoints(images)  # (N, 10, 2) pixel (x, y)
        """
        from keras_landmarks.presets.registry import load_preset

        model = load_preset(preset)
        if not isinstance(model, cls):
            raise ValueError(
                f"Preset {preset!r} holds a {type(model).__name__}, not a "
                f"{cls.__name__}."
            )
        return model

    def get_config(self):
        config = super().get_config()
        serialize = keras.saving.serialize_keras_object
        config.update(
            {
                "num_keypoints": self.num_keypoints,
                "image_size": self.image_size,
                "gaussian_std": self.gaussian_std,
                "weight_decay": self.weight_decay,
                "kernel_initializer": self.kernel_initializer,
                "batch_norm_momentum": self.batch_norm_momentum,
                "detector": serialize(self.detector),
                "appearance_encoder": serialize(self.appearance_encoder),
                "generator": serialize(self.generator),
                "reconstruction_loss": serialize(self.reconstruction_loss),
                "bottleneck": serialize(self.bottleneck),
                "equivariance_weight": self.equivariance_weight,
                "appearance_pooling": self.appearance_pooling,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in (
            "detector",
            "appearance_encoder",
            "generator",
            "reconstruction_loss",
            "bottleneck",
        ):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def normalized_to_pixels(keypoints, image_size):
    """(x, y) in [-1, 1] -> pixel (x, y) with -1/+1 at the first/last pixel centre."""
    height, width = image_size
    scale = np.array([width - 1, height - 1], dtype="float32")
    return ((np.asarray(keypoints, "float32") + 1.0) / 2.0 * scale).astype("float32")


def pixels_to_normalized(keypoints, image_size):
    """Inverse of `normalized_to_pixels`."""
    height, width = image_size
    scale = np.array([width - 1, height - 1], dtype="float32")
    return (np.asarray(keypoints, "float32") / scale * 2.0 - 1.0).astype("float32")
