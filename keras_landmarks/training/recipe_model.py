"""The model a recipe trains: built from its dataclass, or loaded to fine-tune.

`build_model` makes a compiled `LandmarkModel` from a named or written-out
architecture (`keras_landmarks.models.presets.ARCHITECTURES`) with the paper's
Table 2 ablations (the loss and the bottleneck); `build_model_from` does the
same from a recipe's dataclass after `prepare_keras` (precision and seed);
`finetune_model` recompiles a saved one.
"""

import dataclasses
import inspect
import math
import os

import keras

from keras_landmarks.integers import is_integer
from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.losses.loss_network import LossNetworkUnavailableError
from keras_landmarks.models.adversarial_landmark_model import AdversarialLandmarkModel
from keras_landmarks.models.landmark_model import LandmarkModel
from keras_landmarks.models.optimizer import reference_optimizer
from keras_landmarks.models.presets import cpu_optimizer
from keras_landmarks.models.presets import make_reconstruction_loss
from keras_landmarks.precision import announce_precision
from keras_landmarks.training.recipe_arguments import BOTTLENECKS
from keras_landmarks.training.recipe_arguments import LOSSES
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_arguments import check_architecture
from keras_landmarks.training.recipe_arguments import check_choice


def build_model(
    num_keypoints,
    image_size,
    architecture="paper",
    loss="perceptual",
    loss_network="vgg19",
    loss_weights="imagenet",
    bottleneck="keypoints",
    code_size=None,
    adversarial_weight=1.0,
    learning_rate=None,
    equivariance_weight=0.0,
    generator_output=None,
    appearance_pooling=None,
    run_eagerly=False,
):
    """A compiled `LandmarkModel` for a recipe.

    Args:
        num_keypoints: int, K (detector channels).
        image_size: int.
        architecture: `"paper"` (reference networks, reference optimiser),
            `"cpu"` (the CPU preset's widths, linear output and optimiser) or
            widths written out (`presets.architecture_arguments`, e.g. the
            tests' tiny networks; the CPU optimiser).
        loss: one of `LOSSES` (paper Table 2).
        loss_network, loss_weights: the perceptual loss's network and weights
            (`"colorization"` with a `.keras` file from `selfsup_vgg.py` or the
            converted release: the paper's self-supervised rows).
        bottleneck: `"keypoints"` (the paper) or `"dense"` (the fully connected
            ablation, width `code_size`).
        code_size: int, the dense bottleneck's width d.
        adversarial_weight: float, the generator's adversarial term weight.
        learning_rate: optional float; default the architecture's optimiser's.
        equivariance_weight: float, default 0 (the paper). See `LandmarkModel`;
            the recipe's pairs must then carry their warp.
        generator_output: `None` (default, linear: the reference) or
            `"sigmoid"` (255 * sigmoid: the CPU preset's, `cpu_model`).
        appearance_pooling: `None` (default, the reference's spatial map) or
            `"global"` (the CPU preset's). See `LandmarkModel`.
        run_eagerly: bool, default False. `compile`'s: a Python train step
            (for debugging, and for tiny runs where compiling costs more).
    """
    widths = check_architecture(architecture)
    check_choice("loss", loss, LOSSES)
    check_choice("bottleneck", bottleneck, BOTTLENECKS)
    if bottleneck == "dense" and (not is_integer(code_size) or code_size < 1):
        raise RecipeError(
            "--code_size must be a positive int for --bottleneck=dense. "
            f"Received: {code_size!r}"
        )
    try:
        if loss == "perceptual":
            reconstruction_loss = make_reconstruction_loss(
                "perceptual", network=loss_network, weights=loss_weights or None
            )
        else:
            reconstruction_loss = make_reconstruction_loss(f"pixel_{loss[-2:]}")
    except (ValueError, LossNetworkUnavailableError) as error:
        raise RecipeError(
            f"{error}\nOffline: --loss_network=vgg16 --loss_weights=torchvision, "
            "--loss_network=colorization with a network from recipes/selfsup_vgg.py, "
            "or --loss=pixel_l2."
        ) from error
    kwargs = dict(
        num_keypoints=num_keypoints,
        image_size=image_size,
        **widths,
        reconstruction_loss=reconstruction_loss,
        equivariance_weight=equivariance_weight,
        generator_output=generator_output,
        appearance_pooling=appearance_pooling,
    )
    if bottleneck == "dense":
        factor = math.prod(widths["encoder_strides"])
        kwargs["bottleneck"] = DenseBottleneck(
            code_size,
            (image_size // factor, image_size // factor),
            num_keypoints,
            name="bottleneck",
        )
    try:
        if loss.startswith("adversarial"):
            model = AdversarialLandmarkModel(
                adversarial_weight=adversarial_weight, **kwargs
            )
        else:
            model = LandmarkModel(**kwargs)
    except ValueError as error:
        raise RecipeError(str(error)) from error
    model.compile(
        optimizer=_optimizer(architecture, learning_rate), run_eagerly=run_eagerly
    )
    return model


def _optimizer(architecture, learning_rate):
    args = () if learning_rate is None else (learning_rate,)
    if architecture == "paper":
        return reference_optimizer(*args)
    return cpu_optimizer(*args)


def prepare_keras(config):
    """Sets the dtype policy and the seed before a recipe builds its model.

    The policy comes from `config.precision` (`keras_landmarks.precision`;
    what was chosen and why is printed), the seed from `config.seed`.
    """
    announce_precision(config.precision)
    keras.utils.set_random_seed(config.seed)


def config_arguments(function, config):
    """The fields of the dataclass `config` that are arguments of `function`."""
    names = inspect.signature(function).parameters
    return {
        field.name: getattr(config, field.name)
        for field in dataclasses.fields(config)
        if field.name in names
    }


def build_model_from(config, **overrides):
    """`prepare_keras(config)`, then `build_model` with the fields of the
    dataclass `config` that are `build_model` arguments (`overrides` win).
    """
    kwargs = {**config_arguments(build_model, config), **overrides}
    prepare_keras(config)
    return build_model(**kwargs)


def load_model(path):
    """A saved `.keras` model (e.g. to fine-tune), or a RecipeError."""
    if not os.path.isfile(path):
        raise RecipeError(f"Model file not found: {path} (a .keras file)")
    return keras.saving.load_model(path)


def finetune_model(
    path,
    image_size,
    architecture="paper",
    learning_rate=None,
    precision="auto",
    run_eagerly=False,
    restore_optimizer=False,
):
    """A saved model recompiled to fine-tune (e.g. AFLW from the CelebA model).

    A loaded model keeps the dtype policy it was saved with (every layer's
    config names it), so `precision` can only confirm it: `"auto"` or the saved
    policy's name. `run_eagerly` goes to `compile`.

    With `restore_optimizer` the saved optimizer carries on, with its state
    (Adam's moments, its step count and so its learning-rate schedule), as the
    reference code's fine-tune restores it; the optimizer's step count then
    includes the saved model's steps (`optimizer_steps` gives them). Otherwise
    a fresh optimizer of `architecture` (as `build_model`) at `learning_rate`.

    Raises:
        RecipeError: the file is missing, its image size is not `image_size`,
            it was saved under another precision than `precision`, it holds no
            trained optimizer to restore, or `learning_rate` is given with
            `restore_optimizer` (the restored optimizer keeps its own).
    """
    model = load_model(path)
    if tuple(model.image_size) != (image_size, image_size):
        raise RecipeError(
            f"{path} takes {model.image_size} images; --image_size={image_size}."
        )
    saved = model.dtype_policy.name
    if precision not in ("auto", saved):
        raise RecipeError(
            f"--precision={precision}, but {path} was saved under {saved} and a "
            "loaded model keeps its dtype policy. Leave out --precision or train "
            "from scratch."
        )
    print(f"Keras backend: {keras.backend.backend()}; precision: {saved} (saved)")
    if not restore_optimizer:
        optimizer = _optimizer(architecture, learning_rate)
    elif learning_rate is not None:
        raise RecipeError(
            f"--learning_rate={learning_rate} applies to a fresh optimizer; the "
            "restored one keeps its own schedule. Leave out --learning_rate or "
            "pass --restore_optimizer=False."
        )
    elif optimizer_steps(model) == 0:
        raise RecipeError(
            f"{path} holds no trained optimizer state to restore (saved without "
            "its optimizer or before any step). Pass --restore_optimizer=False."
        )
    else:
        optimizer = model.optimizer
        print(f"Optimizer restored from {path} at step {optimizer_steps(model)}")
    model.compile(optimizer=optimizer, run_eagerly=run_eagerly)
    return model


def optimizer_steps(model):
    """Steps the model's optimizer has made (0 without an optimizer)."""
    if getattr(model, "optimizer", None) is None:
        return 0
    return int(keras.ops.convert_to_numpy(model.optimizer.iterations))
