"""Running a recipe of `recipes/`: train, evaluate like the paper, `results.json`.

A recipe is a dataclass of hyperparameters and a `main(argv)` that reads its
options (`recipe_arguments`), its data (`keras_landmarks.data`) and calls
`run_recipe_from` (the model from `recipe_model.build_model_from`, trained
and scored on every `LabelledSplits`) or `run_job` (the synthetic end-to-end
jobs). `report_stability` adds the SmallNORB keypoint ranking to a run.
"""

import dataclasses
import os

import keras

from keras_landmarks.evaluation.keypoint_stability import keypoint_stability
from keras_landmarks.evaluation.report import evaluate_splits
from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.training.job_steps import predict_points
from keras_landmarks.training.job_steps import write_results
from keras_landmarks.training.loop import train
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_model import build_model
from keras_landmarks.training.recipe_model import build_model_from
from keras_landmarks.training.recipe_model import config_arguments
from keras_landmarks.visualization.stable_keypoints import save_stable_keypoints

# `report_stability`'s picture, in the run folder.
STABILITY_PICTURE = "most_stable_keypoints.png"


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
    `evaluations` is scored (`evaluate_splits`). Training pictures are written
    for the keypoint bottleneck (the dense bottleneck has no points to draw).
    Interrupted runs resume.

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
        predict_points(model, s.train_images, s.test_images) for s in evaluations
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
        after = predict_points(model, splits.train_images, splits.test_images)
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

    Raises:
        RecipeError: `pairs` is empty.
    """
    try:
        order, distances = keypoint_stability(result.model, pairs, num_pairs)
    except ValueError as error:
        raise RecipeError(str(error)) from error
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
