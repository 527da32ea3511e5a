"""Named model configurations: the paper's and the CPU demo's, and their shapes."""

import keras

from keras_landmarks.losses.perceptual_loss import PerceptualLoss
from keras_landmarks.losses.pixel_loss import PixelLoss
from keras_landmarks.models.conv_block import REFERENCE_WEIGHT_DECAY
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_FILTERS
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_STRIDES
from keras_landmarks.models.image_generator import REFERENCE_GENERATOR_FILTERS
from keras_landmarks.models.landmark_model import REFERENCE_IMAGE_SIZE
from keras_landmarks.models.landmark_model import LandmarkModel
from keras_landmarks.models.optimizer import reference_optimizer

# CPU demo configuration (reference/CPU-TRAINING.md, re-measured here; see the
# README): 64x64 images, 16x16 maps (downsampling 4 instead of 8: the biggest
# single gain on small images), channels 16..64 instead of 32..256.
CPU_IMAGE_SIZE = 64
CPU_ENCODER_FILTERS = (16, 16, 32, 32, 64, 64)
CPU_ENCODER_STRIDES = (1, 1, 2, 1, 2, 1)
CPU_GENERATOR_FILTERS = (64, 32, 16)
# Measured on a 2-core CPU: lr 2e-3 learns about twice as fast as 1e-3 at this size.
CPU_LEARNING_RATE = 2e-3
CPU_BATCH_SIZE = 16
# What the keypoints must explain (docs/learning.md, measured on a 2-core CPU):
# with the reference's spatial appearance map the source already shows the
# generator where the face is, and the keypoints learn only the small warp
# between source and target. Averaging the appearance features over space
# ("global") leaves the keypoints the only carrier of geometry, and the
# equivariance term (Thewlis et al. 2017; not in the paper, which calls such
# cues addable) makes them follow a warp of the image. Together they reached
# 0.46 of the mean-shape error at 2,500 steps on the demo's faces where the
# reference's choices reached 0.57. The paper preset keeps the reference's.
CPU_APPEARANCE_POOLING = "global"
CPU_EQUIVARIANCE_WEIGHT = 1e4
# Reference code: batch 50.
PAPER_BATCH_SIZE = 50

RECONSTRUCTION_LOSSES = ("perceptual", "pixel_l2", "pixel_l1")

# The named network shapes, as `LandmarkModel` keyword arguments: the one table
# that `paper_model`, `cpu_model` and the recipes' `--architecture` read.
# Shapes, and for "paper" the reference code's two conventions: its weight
# decay (TF1 `l2_regularizer(1e-5)` adds 1e-5 * Σw²/2, i.e. Keras'
# `L2(REFERENCE_WEIGHT_DECAY)`, half of the models' default) and its generator
# upsampling (TF1 `resize_bilinear(align_corners=False, half_pixel_centers=False)`,
# `LegacyBilinearUpsampling`), so `--architecture=paper` builds what
# `paper_model` builds. "cpu" and written-out widths keep the models' defaults
# (Keras' `L2(1e-5)` and half-pixel `UpSampling2D`), with which the CPU numbers
# were measured. `cpu_model` adds the CPU image size and the 255 * sigmoid
# generator output to "cpu"; a recipe's `--architecture=cpu` keeps the
# reference's linear output (recipes/synthetic_figures.py's README number was
# measured so), which is why the output is not part of the entry.
ARCHITECTURES = {
    "paper": dict(
        encoder_filters=REFERENCE_ENCODER_FILTERS,
        encoder_strides=REFERENCE_ENCODER_STRIDES,
        generator_filters=REFERENCE_GENERATOR_FILTERS,
        weight_decay=REFERENCE_WEIGHT_DECAY,
        generator_interpolation="tf1_bilinear",
    ),
    "cpu": dict(
        encoder_filters=CPU_ENCODER_FILTERS,
        encoder_strides=CPU_ENCODER_STRIDES,
        generator_filters=CPU_GENERATOR_FILTERS,
    ),
}
# The order of the three lists in a written-out architecture (`"8,8/1,2/8,8"`).
ARCHITECTURE_WIDTHS = ("encoder_filters", "encoder_strides", "generator_filters")


def architecture_arguments(architecture):
    """The `LandmarkModel` arguments of a named or written-out architecture.

    Args:
        architecture: a name in `ARCHITECTURES` (`"paper"`, `"cpu"`), or the
            widths written `"ENCODER_FILTERS/ENCODER_STRIDES/GENERATOR_FILTERS"`,
            each a comma-separated list of ints, e.g. `"8,8,16,16/1,2,1,2/16,8,8"`
            (`LandmarkModel` checks that they fit together).

    Returns:
        A new dict with `encoder_filters`, `encoder_strides` and
        `generator_filters` (and for `"paper"` the reference's `weight_decay`
        and `generator_interpolation`).

    Raises:
        ValueError: neither a name nor three lists of ints.
    """
    if architecture in ARCHITECTURES:
        return dict(ARCHITECTURES[architecture])
    parts = str(architecture).split("/")
    try:
        widths = [tuple(int(width) for width in part.split(",")) for part in parts]
    except ValueError:
        widths = ()
    if len(widths) != len(ARCHITECTURE_WIDTHS):
        raise ValueError(
            f"`architecture` must be one of {tuple(ARCHITECTURES)} or widths "
            "written ENCODER_FILTERS/ENCODER_STRIDES/GENERATOR_FILTERS (e.g. "
            f"'8,8,16,16/1,2,1,2/16,8,8'). Received: architecture={architecture!r}"
        )
    return dict(zip(ARCHITECTURE_WIDTHS, widths, strict=True))


def make_reconstruction_loss(
    kind="perceptual", network="vgg19", weights="imagenet", layers=None
):
    """A reconstruction loss layer by name.

    Args:
        kind: `"perceptual"` (default), `"pixel_l2"` or `"pixel_l1"`.
        network, weights, layers: for `"perceptual"`, see `PerceptualLoss`.

    Returns:
        A `PerceptualLoss` or `PixelLoss`.
    """
    if kind == "perceptual":
        kwargs = {} if layers is None else {"layers": tuple(layers)}
        return PerceptualLoss(
            network=network, weights=weights, name="reconstruction_loss", **kwargs
        )
    if kind in ("pixel_l2", "pixel_l1"):
        return PixelLoss(kind[-2:], name="reconstruction_loss")
    raise ValueError(
        f"Unknown reconstruction loss. Expected one of {RECONSTRUCTION_LOSSES}. "
        f"Received: loss={kind!r}"
    )


def paper_model(num_keypoints=10, reconstruction_loss=None, **kwargs):
    """The reference architecture at 128x128 with the perceptual loss.

    Follows the reference code's two conventions where Keras' differ: weight
    decay 1e-5 as TF1's `l2_regularizer` counts it (λΣw²/2, so Keras'
    `L2(REFERENCE_WEIGHT_DECAY)` = `L2(1e-5 / 2)`), and the generator's x2
    upsampling as TF1's `resize_bilinear(align_corners=False,
    half_pixel_centers=False)` (`generator_interpolation="tf1_bilinear"`,
    `LegacyBilinearUpsampling`). Both can be overridden through `kwargs`.

    Args:
        num_keypoints: int, default 10.
        reconstruction_loss: default `PerceptualLoss()` (VGG-19, ImageNet).
        **kwargs: passed to `LandmarkModel`.
    """
    defaults = dict(image_size=REFERENCE_IMAGE_SIZE, **ARCHITECTURES["paper"])
    defaults.update(kwargs)
    return LandmarkModel(
        num_keypoints=num_keypoints,
        reconstruction_loss=reconstruction_loss or make_reconstruction_loss(),
        **defaults,
    )


def cpu_model(num_keypoints=10, reconstruction_loss=None, **kwargs):
    """The CPU demo configuration: 64x64, narrow networks, 16x16 maps, pixel loss.

    Differs from the paper's configuration in: image size (64 instead of 128),
    channels (16..64 instead of 32..256), downsampling (4 instead of 8, so the
    maps stay 16x16), the generator's output (255 * sigmoid instead of linear:
    the colour range is learned in a few steps), the loss (pixel L2 with the
    same running normaliser instead of VGG features), the appearance code
    (averaged over space, `CPU_APPEARANCE_POOLING`) and an equivariance term
    (`CPU_EQUIVARIANCE_WEIGHT`; train it on pairs that carry their warp,
    `tps_pairs(..., return_grid=True)`, or pass `equivariance_weight=0` for
    video frame pairs).

    Args:
        num_keypoints: int, default 10.
        reconstruction_loss: default `PixelLoss("l2")` (on a CPU the frozen VGG
            costs most of the step for no gain in a 15-minute run).
        **kwargs: passed to `LandmarkModel`.
    """
    defaults = dict(
        generator_output="sigmoid",
        image_size=CPU_IMAGE_SIZE,
        appearance_pooling=CPU_APPEARANCE_POOLING,
        equivariance_weight=CPU_EQUIVARIANCE_WEIGHT,
        **ARCHITECTURES["cpu"],
    )
    defaults.update(kwargs)
    return LandmarkModel(
        num_keypoints=num_keypoints,
        reconstruction_loss=reconstruction_loss or make_reconstruction_loss("pixel_l2"),
        **defaults,
    )


def cpu_optimizer(learning_rate=CPU_LEARNING_RATE):
    """Adam with per-tensor clipping 1, as the reference, at the CPU demo's lr."""
    return keras.optimizers.Adam(learning_rate, epsilon=1e-8, clipnorm=1.0)


def seeded_cpu_model(num_keypoints, image_size, seed, **kwargs):
    """`cpu_model` initialised from `seed` and compiled with `cpu_optimizer`.

    `kwargs` go to `cpu_model` (e.g. `equivariance_weight=0` for video pairs).
    """
    keras.utils.set_random_seed(seed)
    model = cpu_model(num_keypoints, image_size=image_size, **kwargs)
    model.compile(optimizer=cpu_optimizer())
    return model


# What `keras-landmarks train --preset NAME` builds: the configuration, its
# optimizer, its batch size and its reconstruction loss when none is given.
TRAINING_PRESETS = {
    "paper": dict(
        model=paper_model,
        optimizer=reference_optimizer,
        batch_size=PAPER_BATCH_SIZE,
        loss="perceptual",
    ),
    "cpu": dict(
        model=cpu_model,
        optimizer=cpu_optimizer,
        batch_size=CPU_BATCH_SIZE,
        loss="pixel_l2",
    ),
}


def training_preset(name):
    """The entry of `TRAINING_PRESETS` named `name`, with a clear error."""
    if name not in TRAINING_PRESETS:
        raise ValueError(
            f"Unknown training preset. Expected one of {tuple(TRAINING_PRESETS)}. "
            f"Received: preset={name!r}"
        )
    return TRAINING_PRESETS[name]


def compiled_preset_model(
    name,
    loss=None,
    vgg="vgg19",
    vgg_weights="imagenet",
    learning_rate=None,
    **kwargs,
):
    """A new model of the training preset `name`, compiled with its optimizer.

    Args:
        name: `"paper"` or `"cpu"` (`TRAINING_PRESETS`).
        loss: reconstruction loss name (`RECONSTRUCTION_LOSSES`); default the
            preset's.
        vgg, vgg_weights: the perceptual loss's network and weights.
        learning_rate: optional float; default the preset optimizer's.
        **kwargs: passed to the preset's model function (`num_keypoints`,
            `image_size`, `equivariance_weight`, ...).
    """
    preset = training_preset(name)
    reconstruction_loss = make_reconstruction_loss(
        loss or preset["loss"], vgg, vgg_weights
    )
    model = preset["model"](reconstruction_loss=reconstruction_loss, **kwargs)
    rate = {} if learning_rate is None else {"learning_rate": learning_rate}
    model.compile(optimizer=preset["optimizer"](**rate))
    return model
