"""One run: untrained baseline, training with resume, evaluation, `results.json`.

Every training run of the library goes through `run_and_evaluate`: the
recipes of `recipes/` (`recipe.run_recipe_from`), the synthetic jobs
(`run_synthetic_faces`, `run_synthetic_figures`) and the CLI's `demo` and
`train`. The CLI's `evaluate` scores a saved model with the same steps
(`predict_points`, `score_evaluations`, `write_results`). The sequence:

1. The untrained baseline (the paper's "untrained detector"), by one rule:
   the points of the model passed in, seeded and not yet trained, on every
   evaluation's images (`untrained_points`). They are kept in
   `run_dir/untrained_keypoints_<name>.npz`, one file per evaluation, so a
   resumed run reports the baseline of its first process.
2. Training with resume (`loop.train`), timed.
3. The trained model's points (`predict_points`).
4. Every `LabelledSplits` scored beside the mean shape and the untrained
   detector (`evaluation.report.evaluate_splits`).
5. `run_dir/results.json`.
6. Pictures: `run_dir/results/<name>_regressed_landmarks.png` per evaluation
   (`write_evaluation_pictures`); `report_sample_efficiency` adds the
   curve and `results/sample_efficiency.png`.

`results.json`, one layout for every run (callers add entries on top with
`add_results`)::

    {
      "backend": "tensorflow",             # Keras backend of this process
      "steps": 3319,                       # optimizer steps in all (resumes included)
      "train_seconds_this_process": 600.2, # this process's training time
      "config": {...},                     # the run's settings (a recipe's
                                           # dataclass, a job's arguments) or null
      "<evaluation name>": {               # one per `LabelledSplits`, e.g. "mafl"
        "metric": "inter-ocular error (%)",
        "overall": {"trained detector": 17.09, "untrained detector": 35.59,
                    "mean shape": 39.79},
        "accuracy_vs_distance": {          # "within_distance" evaluations only
          "distances_px": [0, 1, ..., 20], "percent_within": [...]}
      },
      ...                                  # the caller's extras, e.g.
                                           # "sample_efficiency", "stability"
    }
"""

import dataclasses
import json
import os
import time

import keras
import numpy as np

from keras_landmarks.atomic_write import replace_atomically
from keras_landmarks.evaluation.report import MEAN_SHAPE
from keras_landmarks.evaluation.report import evaluate_splits
from keras_landmarks.evaluation.sample_efficiency import DEFAULT_SIZES
from keras_landmarks.evaluation.sample_efficiency import curves_entry
from keras_landmarks.evaluation.sample_efficiency import sample_efficiency_curve
from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.training.loop import train

RESULTS_FILENAME = "results.json"
# The folder of the run's evaluation pictures, in the run folder.
RESULTS_PICTURES = "results"
UNTRAINED_PREFIX = "untrained_keypoints_"
# The entries every `results.json` starts with; no evaluation may take their names.
RUN_ENTRIES = ("backend", "steps", "train_seconds_this_process", "config")


@dataclasses.dataclass
class RunResult:
    """What `run_and_evaluate` did.

    Attributes:
        model: the trained model.
        results: dict, the contents of `results.json`.
        run_dir: str, the run folder.
        steps: int, optimizer steps in all (earlier processes included).
        train_seconds: float, this process's training time.
        points: dict from evaluation name to `(trained, untrained)`, each a
            `(regression points, test points)` pair (`predict_points`).
        tables: dict from evaluation name to its printable table.
    """

    model: keras.Model
    results: dict
    run_dir: str
    steps: int
    train_seconds: float
    points: dict
    tables: dict


def run_and_evaluate(
    model,
    pairs,
    run_dir,
    evaluations=(),
    steps=None,
    max_minutes=None,
    batch_size=16,
    callbacks=(),
    preview_every=1,
    verbose="auto",
    config=None,
):
    """Trains a compiled model with resume, scores it, writes `results.json`.

    See the module docstring for the sequence and the layout of
    `results.json`. The model must be the seeded, untrained one (a resumed
    run builds it again the same way; `train` restores the checkpoint).

    Args:
        model: a compiled `LandmarkModel`, not yet trained.
        pairs: unbatched `tf.data.Dataset` of pair dicts.
        run_dir: output folder.
        evaluations: sequence of `LabelledSplits` with distinct names.
        steps, max_minutes: training budget (at least one; `train`).
        batch_size: int, default 16.
        callbacks: extra Keras callbacks for `fit`.
        preview_every: int, default 1: epochs between training pictures
            (`train`); 0 for none. Always 0 for the dense bottleneck, whose
            code has no points to draw.
        verbose: `fit`'s verbosity.
        config: optional dataclass or dict of the run's settings, saved in
            `results.json` under "config".

    Returns:
        A `RunResult`.

    Raises:
        ValueError: two evaluations share a name, or one is named like an
            entry of every run (`RUN_ENTRIES`).
    """
    names = [splits.name for splits in evaluations]
    if len(set(names)) < len(names) or set(names) & set(RUN_ENTRIES):
        raise ValueError(
            "Evaluations need distinct names other than "
            f"{RUN_ENTRIES}. Received: {names}"
        )
    os.makedirs(run_dir, exist_ok=True)
    untrained = untrained_points(model, run_dir, evaluations)
    if isinstance(getattr(model, "bottleneck", None), DenseBottleneck):
        preview_every = 0
    start = time.perf_counter()
    train(
        model,
        pairs,
        run_dir,
        steps=steps,
        max_minutes=max_minutes,
        batch_size=batch_size,
        preview_every=preview_every,
        verbose=verbose,
        callbacks=callbacks,
    )
    seconds = time.perf_counter() - start
    done = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    if dataclasses.is_dataclass(config):
        config = dataclasses.asdict(config)
    results = {
        "backend": keras.backend.backend(),
        "steps": done,
        "train_seconds_this_process": seconds,
        "config": config,
    }
    trained = [
        predict_points(model, s.train_images, s.test_images) for s in evaluations
    ]
    scores, tables = score_evaluations(
        evaluations, trained, untrained, model.image_size[0]
    )
    results.update(scores)
    write_results(run_dir, results)
    points = {
        s.name: (after, before)
        for s, after, before in zip(evaluations, trained, untrained, strict=True)
    }
    result = RunResult(model, results, run_dir, done, seconds, points, tables)
    write_evaluation_pictures(
        result, evaluations, os.path.join(run_dir, RESULTS_PICTURES)
    )
    return result


def untrained_points(model, run_dir, evaluations):
    """`predict_points` of the untrained model on each evaluation, kept on disk.

    The first call writes `run_dir/untrained_keypoints_<name>.npz` per
    evaluation; a resumed run reads them back, so the baseline is the first
    process's initialisation even when the model passed in differs.

    Returns:
        A list of `(regression points, test points)`, one per evaluation.
    """
    points = []
    for splits in evaluations:
        path = os.path.join(run_dir, f"{UNTRAINED_PREFIX}{splits.name}.npz")
        if os.path.exists(path):
            saved = np.load(path)
            points.append((saved["regression"], saved["test"]))
            continue
        pair = predict_points(model, splits.train_images, splits.test_images)
        np.savez(path, regression=pair[0], test=pair[1])
        points.append(pair)
    return points


def predict_points(model, regression_images, test_images, batch_size=32):
    """`(regression, test)` points: what the evaluation regresses from.

    Pixel keypoints `(N, K, 2)` (`predict_keypoints`) for the keypoint
    bottleneck; for `DenseBottleneck` the `(N, d)` code laid out as
    `(N, ceil(d / 2), 2)` (a zero appended when d is odd): least squares from
    it is least squares from the code. Float32 whatever the dtype policy.

    Args:
        model: a `LandmarkModel` (or anything with its `predict_keypoints`).
        regression_images, test_images: `(N, H, W, 3)` and `(M, H, W, 3)` in
            [0, 255], or `StreamedImages` (`labelled_stream`): read
            `batch_size` images at a time, so memory holds one batch, not
            the split; the points are the same as from the array.
        batch_size: int, default 32. Images per model call.
    """
    return (
        _points(model, regression_images, batch_size),
        _points(model, test_images, batch_size),
    )


def _points(model, images, batch_size):
    if hasattr(images, "batches"):  # StreamedImages: one batch in memory at a time
        return np.concatenate(
            [_points(model, batch, batch_size) for batch in images.batches(batch_size)]
        )
    if not isinstance(getattr(model, "bottleneck", None), DenseBottleneck):
        return model.predict_keypoints(images, batch_size=batch_size)
    codes = []
    for start in range(0, len(images), batch_size):
        code, _ = model.detect(np.asarray(images[start : start + batch_size]))
        codes.append(keras.ops.convert_to_numpy(code))
    codes = np.concatenate(codes).astype("float32")
    if codes.shape[1] % 2:
        codes = np.concatenate([codes, np.zeros((len(codes), 1), "float32")], 1)
    return codes.reshape(len(codes), -1, 2)


def score_evaluations(evaluations, trained, untrained, image_size):
    """Scores every `LabelledSplits` with `evaluate_splits` and prints it.

    Args:
        evaluations: sequence of `LabelledSplits`.
        trained, untrained: one `(regression points, test points)` per
            evaluation, of the trained and the untrained detector.
        image_size: int, for `"size_normalized"` evaluations.

    Returns:
        `(scores, tables)`: dicts from evaluation name to its `results.json`
        entry and to its printable table.
    """
    scores, tables = {}, {}
    for splits, after, before in zip(evaluations, trained, untrained, strict=True):
        scores[splits.name], tables[splits.name] = evaluate_splits(
            splits, after, before, image_size
        )
        print(f"{splits.name}:\n{tables[splits.name]}")
    return scores, tables


def write_results(run_dir, results):
    """Writes the dict `results` as `run_dir/results.json`; returns the path.

    The file is written under a temporary name and renamed into place, so a
    reader (or a crash) never sees a half-written `results.json`.
    """
    path = os.path.join(run_dir, RESULTS_FILENAME)
    replace_atomically(path, lambda f: json.dump(results, f, indent=2))
    return path


def add_results(result, **entries):
    """Adds `entries` to a `RunResult`'s results and rewrites `results.json`."""
    result.results.update(entries)
    write_results(result.run_dir, result.results)
    return result


def report_sample_efficiency(result, splits, seed=0, sizes=DEFAULT_SIZES, num_draws=10):
    """Adds the sample-efficiency curve of one evaluation to a run's results.

    The paper's sample-efficiency plot (MAFL): the regressor fitted on `n`
    random images of the regression split (`sizes`, `None` for all), tested
    on the whole test split, for the trained and the untrained detector's
    points of `result` (`sample_efficiency_curve`, inter-ocular error).
    Written to `results.json` under "sample_efficiency" and pictured in
    `run_dir/results/sample_efficiency.png`.

    Args:
        result: a `RunResult` that evaluated `splits`.
        splits: the `LabelledSplits` (e.g. MAFL's).
        seed: int, the subsets' draws.
        sizes, num_draws: see `sample_efficiency_curve`.

    Returns:
        The "sample_efficiency" dict: "sizes", "trained_mean", "trained_std",
        "untrained_mean", "untrained_std", "skipped".
    """
    trained, untrained = result.points[splits.name]
    curve, untrained_curve = (
        sample_efficiency_curve(
            points[0],
            splits.train_landmarks,
            points[1],
            splits.test_landmarks,
            sizes=sizes,
            num_draws=num_draws,
            seed=seed,
        )
        for points in (trained, untrained)
    )
    entry = curves_entry(curve, untrained_curve)
    add_results(result, sample_efficiency=entry)
    from keras_landmarks.visualization import save_png

    mean_shape = result.results[splits.name]["overall"][MEAN_SHAPE]
    save_png(
        sample_efficiency_picture(entry, mean_shape),
        os.path.join(result.run_dir, RESULTS_PICTURES, "sample_efficiency.png"),
    )
    print(
        "Sample efficiency (n: error %): "
        + ", ".join(
            f"{n}: {v:.2f}"
            for n, v in zip(entry["sizes"], entry["trained_mean"], strict=True)
        )
    )
    return entry


def write_evaluation_pictures(result, evaluations, out, shown=12):
    """Pictures of each scored evaluation of a run, in `out`.

    `<name>_regressed_landmarks.png`: the first `shown` test images with the
    landmarks regressed from the trained detector's keypoints (red) against
    the annotated ones (green).

    Returns:
        list of the written paths.
    """
    from keras_landmarks.evaluation.regression import fit_landmark_regressor
    from keras_landmarks.visualization import regression_comparison
    from keras_landmarks.visualization import save_png

    written = []
    for splits in evaluations:
        regression, test = result.points[splits.name][0]
        regressor = fit_landmark_regressor(regression, splits.train_landmarks)
        picture = regression_comparison(
            splits.test_images[:shown],
            regressor.predict(test[:shown]),
            splits.test_landmarks[:shown],
        )
        path = os.path.join(out, f"{splits.name}_regressed_landmarks.png")
        written.append(save_png(picture, path))
    return written


def sample_efficiency_picture(curves, mean_shape):
    """The plot of a "sample_efficiency" entry (`curves_entry`) as an image."""
    from keras_landmarks.visualization import sample_efficiency_plot

    sizes = curves["sizes"]
    return sample_efficiency_plot(
        {
            f"{key} detector": (sizes, curves[f"{key}_mean"], curves[f"{key}_std"])
            for key in ("trained", "untrained")
        },
        baselines={MEAN_SHAPE: mean_shape},
        all_label_at=sizes[-1],
    )
