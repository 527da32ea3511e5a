"""Running a recipe of `recipes/`: the run pipeline with a recipe's dataclass.

A recipe is a dataclass of hyperparameters and a `main(argv)` that reads its
options (`recipe_arguments`), its data (`keras_landmarks.data`) and calls
`run_recipe_from` (the model from `recipe_model.build_model_from`, trained
and scored on every `LabelledSplits` by `run.run_and_evaluate`) or `run_job`
(the synthetic end-to-end jobs). `report_stability` adds the SmallNORB
keypoint ranking to a run (`run.report_sample_efficiency` adds the MAFL
sample-efficiency curve).
"""

import dataclasses
import os

from keras_landmarks.evaluation.keypoint_stability import keypoint_stability
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_model import build_model
from keras_landmarks.training.recipe_model import build_model_from
from keras_landmarks.training.recipe_model import config_arguments
from keras_landmarks.training.run import add_results
from keras_landmarks.training.run import run_and_evaluate
from keras_landmarks.visualization.stable_keypoints import save_stable_keypoints

# `report_stability`'s picture, in the run folder.
STABILITY_PICTURE = "most_stable_keypoints.png"


def run_recipe_from(config, pairs, evaluations=(), model=None, **overrides):
    """`run_and_evaluate` with the folder and the budget of the dataclass `config`.

    Args:
        config: the recipe's dataclass; its `run_dir`, `steps`, `max_minutes`
            and `batch_size` go to `run_and_evaluate`, the whole of it to
            `results.json`.
        pairs, evaluations: see `run_and_evaluate`.
        model: optional compiled model (e.g. from `finetune_model`); default
            `build_model_from(config)`.
        **overrides: `run_and_evaluate` arguments that win over the config's
            (e.g. one `run_dir` per category).

    Returns:
        A `RunResult`.
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
    return run_and_evaluate(
        model, pairs, evaluations=evaluations, config=config, **kwargs
    )


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
        result: the `RunResult` of the run.
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
