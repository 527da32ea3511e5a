"""`evaluate`: the paper's protocol for a trained model on annotated images.

For a saved model and `LabelledSplits` (synthetic faces, a dataset reader, or
your own landmarks file, see `data/evaluation_sources.py`), `evaluate_model`:

1. finds the keypoints of the trained model and of the untrained detector
   (the same architecture initialised from `seed`, the run pipeline's rule)
   on the regression and test images (`run.predict_points`);
2. fits the regressor from keypoints to landmarks without bias and scores it
   beside the mean shape (`evaluation.partial_landmarks`: missing points are
   NaN), normalised by the inter-ocular distance when two points are the
   eyes, else by the image side; % within `within` pixels when asked;
3. draws the sample-efficiency curve (error against annotated images);
4. adds the label-free measures of both detectors (no annotations used);
5. writes `results.json`, `regression.png` (regressed against annotated
   points) and `sample_efficiency.png` in `out`.

With `matched=True` (`evaluate --matched`) it also scores the raw keypoints,
each landmark paired with one distinct keypoint by Hungarian matching on the
regression images (`evaluation.matching`), under "matched". This is NOT a
protocol of the paper: Jakab et al. 2018 report regressed errors only (Table
1, the BBC-Pose table of Fig. 4), and the authors' evaluation code
(tomasjakab/imm `scripts/test.py`) fits only the regressor.

`results.json`::

    {
      "backend": "tensorflow",
      "<splits name>": {                  # e.g. "landmarks", "synthetic_faces"
        "metric": "error (% of the inter-ocular distance)",
        "normalisation": {"eyes": [0, 1]} or {"image_size": 64},
        "overall": {"trained detector": 7.1, "untrained detector": 12.0,
                    "mean shape": 13.2},
        "per_point": {method: [P floats or null]},
        "percent_within": {"distance_px": 6.0, method: 81.0, ...}, # --within
        "scored_points": 2350,
        "num_regression": 1000, "num_test": 500,
        "sample_efficiency": {"sizes": [...], "trained_mean": [...],
                              "trained_std": [...], "untrained_mean": [...],
                              "untrained_std": [...], "skipped": [...]},
        "matched": {                      # --matched only, not a paper protocol
          "protocol": "not a paper protocol: ...",
          "overall": {"trained detector": 9.3, "untrained detector": 15.0},
          "keypoint_per_landmark": {method: [P ints, -1 when K < P]},
          "unmatched_landmarks": 0,
          "percent_within": {...}         # with --within
        }
      },
      "label_free": {...trained model's measures...},
      "label_free_untrained": {...}
    }
"""

import math
import os

import keras
import numpy as np

from keras_landmarks.evaluation.baselines import fit_mean_shape
from keras_landmarks.evaluation.matching import UNMATCHED
from keras_landmarks.evaluation.matching import match_keypoints
from keras_landmarks.evaluation.matching import matched_keypoints
from keras_landmarks.evaluation.partial_landmarks import image_norms
from keras_landmarks.evaluation.partial_landmarks import score_partial
from keras_landmarks.evaluation.regression import fit_landmark_regressor
from keras_landmarks.evaluation.report import MEAN_SHAPE
from keras_landmarks.evaluation.report import TRAINED
from keras_landmarks.evaluation.report import UNTRAINED
from keras_landmarks.evaluation.sample_efficiency import DEFAULT_SIZES
from keras_landmarks.evaluation.sample_efficiency import curves_entry
from keras_landmarks.evaluation.sample_efficiency import sample_efficiency_curve
from keras_landmarks.training.learning_curve import label_free_measures
from keras_landmarks.training.run import predict_points
from keras_landmarks.training.run import sample_efficiency_picture
from keras_landmarks.training.run import write_results

# Test images the label-free measures use, and test images in the picture.
LABEL_FREE_IMAGES = 200
PICTURE_IMAGES = 8
MATCHED_PROTOCOL = (
    "not a paper protocol: each landmark is paired with one distinct keypoint "
    "(Hungarian matching of mean distances on the regression images), no "
    "regression; the paper reports regressed errors only"
)


def evaluate_model(
    model,
    splits,
    out=None,
    seed=0,
    eyes=None,
    within=None,
    sizes=DEFAULT_SIZES,
    details=None,
    matched=False,
):
    """Scores `model` on `splits` by the paper's protocol; see the module docstring.

    Args:
        model: a trained `LandmarkModel`.
        splits: `LabelledSplits`, landmarks in pixels of its images (NaN
            where missing).
        out: optional folder for `results.json` and the pictures.
        seed: int, default 0. Initialises the untrained detector and seeds
            the sample-efficiency draws and the label-free warps.
        eyes: optional pair of point indices: normalise by their distance
            (default `(0, 1)` for `splits.metric == "inter_ocular"`, else the
            image side).
        within: optional float, also give the % of points within this many
            pixels of the model's input image (default `splits.distance` for
            `"within_distance"` splits).
        sizes: the sample-efficiency curve's regression sizes.
        details: optional dict added to `results.json` (e.g. the model's path).
        matched: bool, default False. Also score the Hungarian-matched raw
            keypoints (`matched_scores`; not a paper protocol).

    Returns:
        dict, the contents of `results.json`.

    Raises:
        ValueError: no more regression images than regression unknowns (2K).
    """
    unknowns = 2 * model.num_keypoints
    if len(splits.train_images) <= unknowns:
        raise ValueError(
            f"{len(splits.train_images)} regression images are too few: the "
            f"regression fits {unknowns} unknowns per landmark coordinate (2 x "
            f"K={model.num_keypoints}); give more than {unknowns}."
        )
    if eyes is None and splits.metric == "inter_ocular":
        eyes = (0, 1)
    if within is None and splits.metric == "within_distance":
        within = splits.distance
    image_size = model.image_size[0]
    # The untrained baseline by the run pipeline's rule: the same
    # architecture initialised from the seed.
    keras.utils.set_random_seed(seed)
    untrained = model.__class__.from_config(model.get_config())
    points = {
        TRAINED: predict_points(model, splits.train_images, splits.test_images),
        UNTRAINED: predict_points(untrained, splits.train_images, splits.test_images),
    }
    norms = image_norms(splits.test_landmarks, eyes, image_size)
    predictions = {
        name: fit_landmark_regressor(
            train, splits.train_landmarks, allow_missing=True
        ).predict(test)
        for name, (train, test) in points.items()
    }
    mean_shape = fit_mean_shape(splits.train_landmarks, allow_missing=True)
    predictions[MEAN_SHAPE] = mean_shape.predict(splits.test_landmarks)
    scores = {
        name: score_partial(value, splits.test_landmarks, norms, within)
        for name, value in predictions.items()
    }

    def error(predicted, annotated):
        return score_partial(predicted, annotated, norms).error

    curves = {
        name: sample_efficiency_curve(
            train,
            splits.train_landmarks,
            test,
            splits.test_landmarks,
            sizes=sizes,
            seed=seed,
            metric=error,
            allow_missing=True,
        )
        for name, (train, test) in points.items()
    }
    measured = splits.test_images[:LABEL_FREE_IMAGES]
    normalisation = (
        {"eyes": list(eyes)} if eyes is not None else {"image_size": image_size}
    )
    summary = {
        "metric": "error (% of the "
        + ("inter-ocular distance)" if eyes is not None else "image side)"),
        "normalisation": normalisation,
        "overall": {name: score.error for name, score in scores.items()},
        "per_point": {
            name: [_finite_or_none(v) for v in score.per_point]
            for name, score in scores.items()
        },
        "scored_points": scores[TRAINED].num_points,
        "num_regression": len(splits.train_images),
        "num_test": len(splits.test_images),
        "sample_efficiency": curves_entry(curves[TRAINED], curves[UNTRAINED]),
    }
    if within is not None:
        summary["percent_within"] = {
            "distance_px": float(within),
            **{name: score.percent_within for name, score in scores.items()},
        }
    if matched:
        summary["matched"] = matched_scores(points, splits, norms, within)
    results = {
        "backend": keras.backend.backend(),
        **(details or {}),
        splits.name: summary,
        "label_free": label_free_measures(model, measured, seed=seed),
        "label_free_untrained": label_free_measures(untrained, measured, seed=seed),
    }
    print(format_scores(splits.name, summary))
    print(format_label_free(results["label_free"], results["label_free_untrained"]))
    if out is not None:
        _write_pictures(out, splits, predictions[TRAINED], curves, scores)
        write_results(out, results)
    return results


def matched_scores(points, splits, norms, within=None):
    """The "matched" entry: raw keypoints scored after Hungarian matching.

    Not a paper protocol (module docstring). Per detector, the assignment of
    landmarks to distinct keypoints is found on the regression split
    (`match_keypoints`) and the matched test keypoints are scored like the
    regressed ones (`score_partial`); with K < P the unmatched landmarks are
    not scored.

    Args:
        points: dict from detector name to `(regression points, test points)`.
        splits: the `LabelledSplits` they were predicted on.
        norms: `(M,)` per-test-image normalisers (`image_norms`).
        within: optional float, pixels for "percent_within".

    Returns:
        dict with "protocol", "overall", "keypoint_per_landmark",
        "unmatched_landmarks" and, with `within`, "percent_within".
    """
    entry = {"protocol": MATCHED_PROTOCOL, "overall": {}, "keypoint_per_landmark": {}}
    if within is not None:
        entry["percent_within"] = {"distance_px": float(within)}
    for name, (train, test) in points.items():
        indices, _ = match_keypoints(train, splits.train_landmarks)
        predicted = matched_keypoints(test, indices)
        score = score_partial(predicted, splits.test_landmarks, norms, within)
        entry["overall"][name] = score.error
        entry["keypoint_per_landmark"][name] = indices.tolist()
        entry["unmatched_landmarks"] = int(np.sum(indices == UNMATCHED))
        if within is not None:
            entry["percent_within"][name] = score.percent_within
    return entry


def _finite_or_none(value):
    return float(value) if math.isfinite(value) else None


def _write_pictures(out, splits, predicted, curves, scores):
    from keras_landmarks.visualization import regression_comparison
    from keras_landmarks.visualization import save_png

    shown = slice(0, PICTURE_IMAGES)
    picture = regression_comparison(
        splits.test_images[shown], predicted[shown], splits.test_landmarks[shown]
    )
    save_png(picture, os.path.join(out, "regression.png"))
    plot = sample_efficiency_picture(
        curves_entry(curves[TRAINED], curves[UNTRAINED]), scores[MEAN_SHAPE].error
    )
    save_png(plot, os.path.join(out, "sample_efficiency.png"))


def format_scores(name, summary):
    """The protocol's table for the terminal."""
    lines = [
        f"{name}: {summary['metric']}, lower is better; "
        f"regressor fitted on {summary['num_regression']} images, tested on "
        f"{summary['num_test']} ({summary['scored_points']} annotated points)"
    ]
    reference = summary["overall"][MEAN_SHAPE]
    within = summary.get("percent_within")
    for method, value in summary["overall"].items():
        line = f"  {method:20s} {value:7.2f}   / mean shape {value / reference:.2f}"
        if within is not None:
            line += f"   {within[method]:5.1f} % within {within['distance_px']:g} px"
        lines.append(line)
    if "matched" in summary:
        lines.append(f"  Hungarian-matched keypoints ({MATCHED_PROTOCOL}):")
        for method, value in summary["matched"]["overall"].items():
            lines.append(f"  {method:20s} {value:7.2f}")
    return "\n".join(lines)


def format_label_free(measures, untrained=None):
    """Lines of the label-free measures (`label_free_measures`) for the terminal."""
    per_keypoint = ", ".join(f"{v:.1f}" for v in measures["equivariance_per_keypoint"])
    lines = [
        "label-free (no annotations used), % of the image size, lower is better:",
        f"  equivariance error  {measures['equivariance_percent']:.2f} "
        f"(per keypoint: {per_keypoint})",
    ]
    if "geometry_follow_percent" in measures:
        lines.append(
            f"  geometry-follow     {measures['geometry_follow_percent']:.2f} "
            "(keypoints of a swapped reconstruction against its geometry image)"
        )
    if untrained is not None:
        equivariance = untrained["equivariance_percent"]
        line = f"  untrained detector: equivariance {equivariance:.2f}"
        if "geometry_follow_percent" in untrained:
            line += f", geometry-follow {untrained['geometry_follow_percent']:.2f}"
        lines.append(line)
    return "\n".join(lines)
