"""Shared plumbing of the experiment recipes in `recipes/`.

A recipe is a dataclass of hyperparameters and a `main(argv)` that calls the
functions here: `parse_overrides` (`--key=value` checked against the
dataclass), `require_folder` / `data_errors` (a missing or malformed data
folder fails with a message saying what was expected), `build_model` (the
paper's, the CPU or a tiny test configuration, with the paper's Table 2
ablations: loss and bottleneck), `labelled_arrays`, `LabelledSplits` and
`run_recipe_from` (precision, seed, model, train, evaluate like the paper,
`results.json`). `run_job` runs the synthetic end-to-end jobs instead.
"""

import contextlib
import dataclasses
import inspect
import logging
import math
import os
import sys
import types
import typing

import keras
import numpy as np
import tensorflow as tf

from keras_landmarks.data.frame_pairs import ENDLESS  # noqa: F401 (recipes use it)
from keras_landmarks.evaluation.metrics import within_distance_curve
from keras_landmarks.evaluation.regression import fit_landmark_regressor
from keras_landmarks.evaluation.report import evaluate_landmarks
from keras_landmarks.evaluation.report import format_results
from keras_landmarks.integers import is_integer
from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.losses.loss_network import LossNetworkUnavailableError
from keras_landmarks.models.adversarial_landmark_model import AdversarialLandmarkModel
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_FILTERS
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_STRIDES
from keras_landmarks.models.image_generator import REFERENCE_GENERATOR_FILTERS
from keras_landmarks.models.landmark_model import LandmarkModel
from keras_landmarks.models.optimizer import reference_optimizer
from keras_landmarks.models.presets import CPU_ENCODER_FILTERS
from keras_landmarks.models.presets import CPU_ENCODER_STRIDES
from keras_landmarks.models.presets import CPU_GENERATOR_FILTERS
from keras_landmarks.models.presets import cpu_optimizer
from keras_landmarks.models.presets import make_reconstruction_loss
from keras_landmarks.precision import PRECISIONS
from keras_landmarks.precision import announce_precision
from keras_landmarks.training.job_steps import write_results
from keras_landmarks.training.loop import train
from keras_landmarks.visualization.drawing import save_png
from keras_landmarks.visualization.stable_keypoints import stable_keypoints
from keras_landmarks.visualization.swap_grid import swap_grid_from_arrays
from keras_landmarks.visualization.swap_grid import swap_reconstructions

logger = logging.getLogger(__name__)

# Network widths per architecture name: (encoder filters, encoder strides,
# generator filters). "tiny" exists so that every recipe runs in the tests.
ARCHITECTURES = {
    "paper": (
        REFERENCE_ENCODER_FILTERS,
        REFERENCE_ENCODER_STRIDES,
        REFERENCE_GENERATOR_FILTERS,
    ),
    "cpu": (CPU_ENCODER_FILTERS, CPU_ENCODER_STRIDES, CPU_GENERATOR_FILTERS),
    "tiny": ((4, 4, 8, 8, 8, 8), (1, 1, 2, 1, 2, 1), (8, 8, 4)),
}
# Paper Table 2 rows: the reconstruction loss.
LOSSES = ("perceptual", "pixel_l1", "pixel_l2", "adversarial_l1", "adversarial_l2")
BOTTLENECKS = ("keypoints", "dense")
# `report_stability`'s picture, in the run folder.
STABILITY_PICTURE = "most_stable_keypoints.png"
# Extra `model.compile` arguments for every recipe's model. The tests set
# `{"run_eagerly": True}`: compiling a step costs more than two tiny steps.
COMPILE_OPTIONS = {}
METRICS = ("inter_ocular", "within_distance", "size_normalized")
# Fields whose values `parse_overrides` checks, wherever a recipe has them.
CHOICES = {
    "architecture": tuple(ARCHITECTURES),
    "loss": LOSSES,
    "bottleneck": BOTTLENECKS,
    "precision": PRECISIONS,
}
# CelebA / MAFL / AFLW annotation order.
FACE_LANDMARK_NAMES = ("left_eye", "right_eye", "nose", "left_mouth", "right_mouth")


class RecipeError(ValueError):
    """A recipe was given a bad option or bad data; the message says what."""


# ---------------------------------------------------------------- arguments


def _convert(text, kind, key):
    """`text` as `kind` (a type annotation), or a RecipeError naming `key`."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        if text.lower() in ("none", "") and len(options) < len(typing.get_args(kind)):
            return None
        for option in options:
            try:
                return _convert(text, option, key)
            except RecipeError:
                continue
        raise RecipeError(f"--{key}={text!r} is not a valid {kind}.")
    if origin is tuple:
        (item,) = {a for a in typing.get_args(kind) if a is not Ellipsis}
        parts = [p for p in text.split(",") if p.strip()]
        return tuple(_convert(p.strip(), item, key) for p in parts)
    if kind is bool:
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise RecipeError(f"--{key} must be True or False. Received: --{key}={text}")
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            raise RecipeError(
                f"--{key} must be {'an int' if kind is int else 'a number'}. "
                f"Received: --{key}={text}"
            ) from None
    if kind is str:
        return text
    raise RecipeError(f"--{key}: unsupported field type {kind!r}.")


def parse_overrides(config, argv):
    """A copy of the dataclass `config` with `--key=value` overrides applied.

    Each key must be a field of `config`; each value is converted to the
    field's annotated type (int, float, str, bool, `X | None`, `tuple[X, ...]`
    written `a,b,c`). `--help` lists the fields and their defaults.

    Raises:
        RecipeError: naming the bad key or value and the valid keys.
    """
    hints = typing.get_type_hints(type(config))
    fields = {field.name: field for field in dataclasses.fields(config)}
    changes = {}
    for argument in argv:
        if argument in ("-h", "--help"):
            print(describe_config(config))
            raise SystemExit(0)
        key, sep, value = argument.partition("=")
        if not key.startswith("--") or not sep:
            raise RecipeError(
                f"Arguments must look like --key=value. Received: {argument!r}\n"
                + describe_config(config)
            )
        key = key[2:]
        if key not in fields:
            raise RecipeError(
                f"Unknown option --{key}. Valid options:\n" + describe_config(config)
            )
        changes[key] = _convert(value, hints[key], key)
    config = dataclasses.replace(config, **changes)
    for name, choices in CHOICES.items():
        if hasattr(config, name):
            check_choice(name, getattr(config, name), choices)
    return config


def describe_config(config):
    """One line per field: `--name=default  (type)`, or its `CHOICES`."""
    hints = typing.get_type_hints(type(config))
    lines = []
    for field in dataclasses.fields(config):
        kind = getattr(hints[field.name], "__name__", hints[field.name])
        if field.name in CHOICES:
            kind = "one of " + ", ".join(CHOICES[field.name])
        lines.append(f"  --{field.name}={getattr(config, field.name)!r}  ({kind})")
    return "\n".join(lines)


def check_choice(name, value, choices):
    """Raises a RecipeError unless `value` is among `choices`."""
    if value not in choices:
        raise RecipeError(f"--{name} must be one of {choices}. Received: {value!r}")


def run_main(main, argv=None):
    """Runs `main(argv)` as a script: a RecipeError exits with its message."""
    try:
        main(sys.argv[1:] if argv is None else argv)
    except RecipeError as error:
        raise SystemExit(f"error: {error}") from None


# ---------------------------------------------------------------- data


def require_folder(path, option, expected):
    """Raises a RecipeError unless `path` is an existing folder.

    Args:
        path: str, the folder given on the command line.
        option: str, the option's name (e.g. `"data_dir"`), for the message.
        expected: str, what the folder must hold (the official layout).
    """
    if not path:
        raise RecipeError(f"Give --{option}=DIR: {expected}")
    if not os.path.isdir(path):
        raise RecipeError(f"--{option}={path} is not a folder. Expected {expected}")
    return path


@contextlib.contextmanager
def data_errors(option, path, expected):
    """Turns a reader's error into a RecipeError that says what was expected."""
    try:
        yield
    except RecipeError:
        raise
    except (ValueError, OSError, KeyError, tf.errors.OpError) as error:
        message = getattr(error, "message", None) or str(error)
        raise RecipeError(
            f"Could not read --{option}={path}: {message}\nExpected {expected}"
        ) from error


def labelled_arrays(dataset, limit=None):
    """Numpy `(images, landmarks)` from a dataset of {"image", "landmarks"}.

    Args:
        dataset: `tf.data.Dataset` of dicts, unbatched.
        limit: optional int, the first `limit` elements only.

    Raises:
        RecipeError: the dataset is empty.
    """
    if limit is not None:
        dataset = dataset.take(limit)
    images, landmarks = [], []
    for element in dataset.as_numpy_iterator():
        images.append(element["image"])
        landmarks.append(element["landmarks"])
    if not images:
        raise RecipeError("No labelled images were found.")
    return np.stack(images).astype("float32"), np.stack(landmarks).astype("float32")


@dataclasses.dataclass
class LabelledSplits:
    """Annotated images for the paper's evaluation: fit a regressor, test it.

    Attributes:
        train_images, train_landmarks: `(N, H, W, 3)`, `(N, P, 2)` pixels.
        test_images, test_landmarks: `(M, H, W, 3)`, `(M, P, 2)`.
        metric: one of `METRICS`: `"inter_ocular"` (faces, % of the
            inter-ocular distance), `"within_distance"` (% within `distance`
            px, with the accuracy-vs-distance curve) or `"size_normalized"`
            (mean error in % of the image size).
        distance: float, pixels for `"within_distance"`.
        landmark_names: optional names of the P points.
        name: str, the label of this evaluation in `results.json`.
    """

    train_images: np.ndarray
    train_landmarks: np.ndarray
    test_images: np.ndarray
    test_landmarks: np.ndarray
    metric: str = "inter_ocular"
    distance: float = 6.0
    landmark_names: tuple | None = None
    name: str = "test"


# ---------------------------------------------------------------- model


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
):
    """A compiled `LandmarkModel` for a recipe.

    Args:
        num_keypoints: int, K (detector channels).
        image_size: int.
        architecture: `"paper"` (reference networks, reference optimiser),
            `"cpu"` (the CPU preset's widths and optimiser) or `"tiny"`
            (tests only).
        loss: one of `LOSSES` (paper Table 2).
        loss_network, loss_weights: the perceptual loss's network and weights
            (a `.weights.h5` path, e.g. from `selfsup_vgg.py`, for
            `"vgg16"`: the paper's self-supervised rows).
        bottleneck: `"keypoints"` (the paper) or `"dense"` (the fully connected
            ablation, width `code_size`).
        code_size: int, the dense bottleneck's width d.
        adversarial_weight: float, the generator's adversarial term weight.
        learning_rate: optional float; default the architecture's optimiser's.
        equivariance_weight: float, default 0 (the paper). See `LandmarkModel`;
            the recipe's pairs must then carry their warp.
    """
    check_choice("architecture", architecture, tuple(ARCHITECTURES))
    check_choice("loss", loss, LOSSES)
    check_choice("bottleneck", bottleneck, BOTTLENECKS)
    encoder_filters, encoder_strides, generator_filters = ARCHITECTURES[architecture]
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
            f"{error}\nOffline: --loss_network=vgg16 --loss_weights=torchvision, a "
            "weights file from recipes/selfsup_vgg.py, or --loss=pixel_l2."
        ) from error
    kwargs = dict(
        num_keypoints=num_keypoints,
        image_size=image_size,
        encoder_filters=encoder_filters,
        encoder_strides=encoder_strides,
        generator_filters=generator_filters,
        reconstruction_loss=reconstruction_loss,
        equivariance_weight=equivariance_weight,
    )
    if bottleneck == "dense":
        factor = math.prod(encoder_strides)
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
    model.compile(optimizer=_optimizer(architecture, learning_rate), **COMPILE_OPTIONS)
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


def predict_points(model, images, batch_size=32):
    """`(N, K, 2)` points the evaluation regresses landmarks from.

    Pixel keypoints for the keypoint bottleneck; for `DenseBottleneck` the
    `(N, d)` code laid out as `(N, ceil(d / 2), 2)` (a zero appended when d is
    odd): least squares from it is least squares from the code.
    """
    if not isinstance(model.bottleneck, DenseBottleneck):
        return model.predict_keypoints(images, batch_size=batch_size)
    codes = []
    for start in range(0, len(images), batch_size):
        code, _ = model.detect(np.asarray(images[start : start + batch_size]))
        codes.append(keras.ops.convert_to_numpy(code))
    codes = np.concatenate(codes).astype("float32")
    if codes.shape[1] % 2:
        codes = np.concatenate([codes, np.zeros((len(codes), 1), "float32")], 1)
    return codes.reshape(len(codes), -1, 2)


def size_normalized_error(predictions, landmarks, image_size):
    """Mean point error in % of the image size (`(N, P, 2)` pixels)."""
    errors = np.linalg.norm(np.asarray(predictions) - np.asarray(landmarks), axis=-1)
    return float(100.0 * errors.mean() / image_size)


def evaluate_splits(splits, trained, untrained, image_size):
    """Scores one `LabelledSplits` like the paper; returns (summary, text)."""
    check_choice("metric", splits.metric, METRICS)
    if splits.metric == "size_normalized":
        summary = {}
        for label, (train_points, test_points) in (
            ("trained detector", trained),
            ("untrained detector", untrained),
        ):
            regressor = fit_landmark_regressor(train_points, splits.train_landmarks)
            summary[label] = size_normalized_error(
                regressor.predict(test_points), splits.test_landmarks, image_size
            )
        text = "mean error (% of image size), lower is better\n" + "\n".join(
            f"  {k:20s} {v:.2f}" for k, v in summary.items()
        )
        return {"error_percent_of_size": summary}, text
    results = evaluate_landmarks(
        trained[0],
        splits.train_landmarks,
        trained[1],
        splits.test_landmarks,
        untrained[0],
        untrained[1],
        metric=splits.metric,
        distance=splits.distance,
        landmark_names=splits.landmark_names,
    )
    summary = {
        "metric": results.metric,
        "overall": {k: float(v) for k, v in results.overall.items()},
    }
    if splits.metric == "within_distance":
        regressor = fit_landmark_regressor(trained[0], splits.train_landmarks)
        distances = list(range(21))
        curve = within_distance_curve(
            regressor.predict(trained[1]), splits.test_landmarks, distances
        )
        summary["accuracy_vs_distance"] = {
            "distances_px": distances,
            "percent_within": [float(v) for v in curve],
        }
    return summary, format_results(results)


# ---------------------------------------------------------------- run


@dataclasses.dataclass
class RecipeResult:
    """What `run_recipe` produced: the trained model and the scores."""

    model: keras.Model
    results: dict
    run_dir: str


def run_recipe(
    model,
    pairs,
    run_dir,
    steps=None,
    max_minutes=None,
    batch_size=16,
    evaluations=(),
    config=None,
    verbose="auto",
):
    """Trains a compiled model on `pairs`, evaluates it, writes `results.json`.

    The untrained detector's points are taken before training (the paper's
    "untrained" baseline); after training every `LabelledSplits` in
    `evaluations` is scored. Training pictures are written for the keypoint
    bottleneck (the dense bottleneck has no points to draw). Interrupted runs
    resume.

    Args:
        model: a compiled `LandmarkModel`.
        pairs: unbatched `tf.data.Dataset` of pair dicts.
        run_dir: output folder.
        steps, max_minutes: training budget (at least one).
        batch_size: int.
        evaluations: sequence of `LabelledSplits`.
        config: optional dataclass, saved in `results.json`.
        verbose: `fit`'s verbosity.

    Returns:
        A `RecipeResult`.
    """
    os.makedirs(run_dir, exist_ok=True)
    image_size = model.image_size[0]
    untrained = [
        (predict_points(model, s.train_images), predict_points(model, s.test_images))
        for s in evaluations
    ]
    train(
        model,
        pairs,
        run_dir,
        steps=steps,
        max_minutes=max_minutes,
        batch_size=batch_size,
        # The pictures draw keypoints: none for the dense bottleneck's code.
        preview_every=int(not isinstance(model.bottleneck, DenseBottleneck)),
        verbose=verbose,
    )
    results = {
        "backend": keras.backend.backend(),
        "steps": int(keras.ops.convert_to_numpy(model.optimizer.iterations)),
        "config": dataclasses.asdict(config) if config is not None else None,
    }
    for splits, before in zip(evaluations, untrained, strict=True):
        after = (
            predict_points(model, splits.train_images),
            predict_points(model, splits.test_images),
        )
        summary, text = evaluate_splits(splits, after, before, image_size)
        results[splits.name] = summary
        print(f"{splits.name}:\n{text}")
    write_results(run_dir, results)
    return RecipeResult(model, results, run_dir)


def add_results(result, **entries):
    """Adds `entries` to a `RecipeResult`'s scores and rewrites `results.json`."""
    result.results.update(entries)
    write_results(result.run_dir, result.results)
    return result


def run_recipe_from(config, pairs, evaluations=(), model=None, **overrides):
    """`run_recipe` with the folder and the budget of the dataclass `config`.

    Args:
        config: the recipe's dataclass; its `run_dir`, `steps`, `max_minutes`
            and `batch_size` go to `run_recipe`, the whole of it to
            `results.json`.
        pairs, evaluations: see `run_recipe`.
        model: optional compiled model (e.g. from `finetune_model`); default
            `build_model_from(config)`.
        **overrides: `run_recipe` arguments that win over the config's (e.g.
            one `run_dir` per category).

    Returns:
        A `RecipeResult`.
    """
    if model is None:
        model = build_model_from(config)
    kwargs = dict(
        run_dir=config.run_dir,
        steps=config.steps,
        max_minutes=config.max_minutes,
        batch_size=config.batch_size,
    )
    kwargs.update(overrides)
    return run_recipe(model, pairs, evaluations=evaluations, config=config, **kwargs)


def run_job(job, config):
    """Runs an end-to-end job (e.g. `run_synthetic_faces`) with `config`.

    The job gets `model=build_model_from(config)` and every field of `config`
    that is one of its arguments, under the same name. Every other field must
    be a `build_model` argument, `precision` or `seed`.

    Raises:
        TypeError: a field of `config` that nothing reads (a misspelt name).
    """
    used = set(config_arguments(job, config)) | set(
        config_arguments(build_model, config)
    )
    unused = {f.name for f in dataclasses.fields(config)} - used
    unused -= {"precision", "seed"}
    if unused:
        raise TypeError(
            f"{type(config).__name__} fields {sorted(unused)} are neither "
            f"arguments of {job.__name__} nor of build_model."
        )
    return job(model=build_model_from(config), **config_arguments(job, config))


def check_pairs(pairs, option, path, expected):
    """Reads one pair now, so a bad folder fails here and not inside `fit`."""
    with data_errors(option, path, expected):
        for _ in pairs.take(1):
            return pairs
    raise RecipeError(f"--{option}={path} gave no training pairs. Expected {expected}")


def load_model(path):
    """A saved `.keras` model (e.g. to fine-tune), or a RecipeError."""
    if not os.path.isfile(path):
        raise RecipeError(f"Model file not found: {path} (a .keras file)")
    return keras.saving.load_model(path)


def finetune_model(
    path, image_size, architecture="paper", learning_rate=None, precision="auto"
):
    """A saved model recompiled with a fresh optimiser, to fine-tune (e.g. AFLW).

    A loaded model keeps the dtype policy it was saved with (every layer's
    config names it), so `precision` can only confirm it: `"auto"` or the saved
    policy's name.

    Raises:
        RecipeError: the file is missing, its image size is not `image_size`
            or it was saved under another precision than `precision`.
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
    model.compile(optimizer=_optimizer(architecture, learning_rate), **COMPILE_OPTIONS)
    return model


# ---------------------------------------------------------------- datasets

CELEBA_LAYOUT = (
    "the CelebA root holding img_align_celeba/*.jpg, "
    "list_landmarks_align_celeba.txt and MAFL/training.txt, MAFL/testing.txt."
)
AFLW_LAYOUT = (
    "the AFLW root of the reference code: output/*.jpg, "
    "aflw_{train,test}_images.txt and aflw_{train,test}_keypoints.mat."
)


def image_tps_pairs(images, seed):
    """Endless shuffled thin-plate-spline pairs from a dataset of {"image", ...}."""
    from keras_landmarks.data.tps_pairs import tps_pairs

    return tps_pairs(
        images.map(lambda element: element["image"]).shuffle(1000, seed=seed).repeat(),
        seed=seed,
    )


def _face_splits(reader, splits, name, layout, data_dir, image_size, limits, option):
    """`LabelledSplits` (inter-ocular error) of `reader(data_dir, split, size)`.

    `splits` and `limits`: the regression and the test split's names and
    image counts (None: all).
    """
    require_folder(data_dir, option, layout)
    with data_errors(option, data_dir, layout):
        regression, test = [
            labelled_arrays(reader(data_dir, split, image_size), limit)
            for split, limit in zip(splits, limits, strict=True)
        ]
    return LabelledSplits(
        *regression, *test, landmark_names=FACE_LANDMARK_NAMES, name=name
    )


def mafl_splits(
    data_dir, image_size, num_regression=None, num_test=None, option="data_dir"
):
    """MAFL train/test as `LabelledSplits` (inter-ocular error)."""
    from keras_landmarks.data.celeba import celeba_mafl

    splits = ("mafl_train", "mafl_test")
    limits = (num_regression, num_test)
    return _face_splits(
        celeba_mafl, splits, "mafl", CELEBA_LAYOUT, data_dir, image_size, limits, option
    )


def aflw_splits(
    data_dir, image_size, num_regression=None, num_test=None, option="data_dir"
):
    """AFLW train/test as `LabelledSplits` (inter-ocular error)."""
    from keras_landmarks.data.aflw import aflw

    splits = ("train", "test")
    limits = (num_regression, num_test)
    return _face_splits(
        aflw, splits, "aflw", AFLW_LAYOUT, data_dir, image_size, limits, option
    )


def _face_pairs(reader, layout, data_dir, image_size, seed):
    """Thin-plate-spline pairs of `reader(data_dir, "train", image_size)`."""
    require_folder(data_dir, "data_dir", layout)
    with data_errors("data_dir", data_dir, layout):
        pairs = image_tps_pairs(reader(data_dir, "train", image_size), seed)
    return check_pairs(pairs, "data_dir", data_dir, layout)


def celeba_pairs(data_dir, image_size, seed=0):
    """Thin-plate-spline pairs of CelebA minus the MAFL test images."""
    from keras_landmarks.data.celeba import celeba_mafl

    return _face_pairs(celeba_mafl, CELEBA_LAYOUT, data_dir, image_size, seed)


def aflw_pairs(data_dir, image_size, seed=0):
    """Thin-plate-spline pairs of the AFLW training images (labels unused)."""
    from keras_landmarks.data.aflw import aflw

    return _face_pairs(aflw, AFLW_LAYOUT, data_dir, image_size, seed)


def pair_landmarks(pairs, limit):
    """`(images, landmarks)` of the targets of pairs made `with_landmarks`."""
    return labelled_arrays(
        pairs.map(lambda p: {"image": p["target"], "landmarks": p["target_landmarks"]}),
        limit,
    )


# ---------------------------------------------------------------- analyses


def keypoint_stability(model, pairs, num_pairs):
    """Mean pixel distance each keypoint moves between the two images of a pair.

    For pairs of neighbouring viewpoints (SmallNORB) a small value marks a
    landmark that stays on the same part of the object: the paper shows the
    most stable ones.

    Returns:
        `(order, distances)`: keypoint indices from most to least stable and
        the `(K,)` mean distances.
    """
    arrays = list(pairs.take(num_pairs).batch(num_pairs).as_numpy_iterator())
    if not arrays:
        raise RecipeError("No pairs to measure keypoint stability on.")
    batch = arrays[0]
    source = model.predict_keypoints(batch["source"])
    target = model.predict_keypoints(batch["target"])
    distances = np.linalg.norm(source - target, axis=-1).mean(axis=0)
    return np.argsort(distances), distances


def report_stability(result, pairs, num_pairs, views, num_shown, titles=None):
    """Ranks a trained run's keypoints by stability and pictures the best ones.

    Measures `keypoint_stability` on `num_pairs` of `pairs`, draws the
    `num_shown` most stable keypoints on `views` (`save_stable_keypoints`, to
    `most_stable_keypoints.png` in the run folder) and adds both to the run's
    `results.json` under "stability".

    Args:
        result: the `RecipeResult` of the run.
        pairs: held-out pairs of neighbouring viewpoints.
        num_pairs: int, pairs measured.
        views: `(V, H, W, 3)` images of one object (e.g. an azimuth sweep).
        num_shown: int, keypoints drawn.
        titles: optional V strings above the views.

    Returns:
        The "stability" dict: "most_stable_first", "mean_displacement_px",
        "picture".
    """
    order, distances = keypoint_stability(result.model, pairs, num_pairs)
    picture = save_stable_keypoints(
        result.model,
        views,
        order[:num_shown],
        os.path.join(result.run_dir, STABILITY_PICTURE),
        titles=titles,
    )
    stability = {
        "most_stable_first": [int(k) for k in order],
        "mean_displacement_px": [float(distances[k]) for k in order],
        "picture": picture,
    }
    add_results(result, stability=stability)
    print(f"Keypoints from most to least stable: {order.tolist()}; {picture}")
    return stability


def save_stable_keypoints(model, images, shown, path, titles=None):
    """Writes `images` with only the keypoints `shown` drawn, as a PNG.

    Args:
        model: a trained `LandmarkModel`.
        images: `(N, H, W, 3)` in [0, 255], e.g. neighbouring viewpoints.
        shown: keypoint indices, e.g. the first few of `keypoint_stability`'s
            order; each keeps its colour (`keras_landmarks.visualization`).
        path: the PNG file.
        titles: optional N strings above the panels.

    Returns:
        `path` as a string.
    """
    keypoints = model.predict_keypoints(np.asarray(images, "float32"))
    return save_png(stable_keypoints(images, keypoints, shown, titles=titles), path)


def write_swap_grid(model, images, run_dir):
    """The appearance x geometry swaps of `images`, as numbers and as a picture.

    Writes `swap_grid.npy`, float32 `(N, N, H, W, 3)` in [0, 255] where cell
    (i, j) has the appearance of image i and the geometry of image j, and
    `swap_grid.png` (`keras_landmarks.visualization.swap_grid_from_arrays`).

    Returns:
        The path of the PNG.
    """
    reconstructions = np.clip(swap_reconstructions(model, images, images), 0, 255)
    np.save(os.path.join(run_dir, "swap_grid.npy"), reconstructions)
    picture = swap_grid_from_arrays(images, images, reconstructions)
    return save_png(picture, os.path.join(run_dir, "swap_grid.png"))
