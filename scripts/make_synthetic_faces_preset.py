"""Turns a finished `keras-landmarks demo` run into the shipped preset.

    python scripts/make_synthetic_faces_preset.py --run runs/demo \\
        --command "keras-landmarks --backend tensorflow demo --out runs/demo" \\
        --commit 51544d2 --hardware "2-core Intel Xeon with AMX-BF16" \\
        --trained "2026-12-01 21:11-21:22 UTC"

Reads RUN/model.keras (the weights are copied, nothing is retrained) and
RUN/results.json (every number in the metadata comes from it; only the
command, commit, hardware and date, which the run does not record, are given
here). The preset is float32 whatever precision trained it (the variables are
float32 under a mixed policy too; float32 gives the same keypoints on every
machine and backend), so the run's evaluation is measured again with the
shipped float32 weights by the same protocol (regressor fitted on the run's
first 1,000 training faces, tested on its 500 test faces, the untrained
baseline from RUN/untrained_keypoints_synthetic_faces.npz) and recorded beside
the run's own numbers. About a minute on 2 CPU cores.
"""

import argparse
import json
import os

from keras_landmarks.data.datasets.labelled_splits import LabelledSplits
from keras_landmarks.data.synthetic.faces import FRAMINGS
from keras_landmarks.data.synthetic.faces import LANDMARK_NAMES
from keras_landmarks.data.synthetic.faces import make_faces
from keras_landmarks.export.detector import load_landmark_model
from keras_landmarks.presets.float32_model import float32_copy
from keras_landmarks.presets.preset_files import save_to_preset
from keras_landmarks.presets.preset_metadata import run_provenance
from keras_landmarks.presets.registry import SHIPPED_DIR
from keras_landmarks.training.run import RESULTS_FILENAME
from keras_landmarks.training.run import UNTRAINED_PREFIX
from keras_landmarks.training.run import predict_points
from keras_landmarks.training.run import score_evaluations
from keras_landmarks.training.synthetic_faces_job import EVALUATION_NAME

PRESET_NAME = "synthetic_faces"
DESCRIPTION = "The demo's detector of 10 keypoints on synthetic faces."


def measure_again(model, run, results):
    """The run's evaluation, by its own protocol, of `model`."""
    import numpy as np

    config = results["config"]
    size = config["image_size"]
    faces = {
        "size": size,
        "clutter": config["clutter"],
        **FRAMINGS[config["framing"]],
    }
    train_images, train_landmarks = make_faces(
        config["num_train"], seed=config["seed"], **faces
    )
    test_images, test_landmarks = make_faces(
        config["num_test"], seed=config["seed"] + 1, **faces
    )
    n = config["num_regression"]
    splits = LabelledSplits(
        train_images[:n].astype("float32"),
        train_landmarks[:n],
        test_images.astype("float32"),
        test_landmarks,
        landmark_names=LANDMARK_NAMES,
        name=EVALUATION_NAME,
    )
    saved = np.load(os.path.join(run, f"{UNTRAINED_PREFIX}{EVALUATION_NAME}.npz"))
    scores, _ = score_evaluations(
        [splits],
        [predict_points(model, splits.train_images, splits.test_images)],
        [(saved["regression"], saved["test"])],
        size,
    )
    return scores[EVALUATION_NAME]


README = """\
# Preset `synthetic_faces`

{description} Trained by `{command}` (commit {code_commit}, {hardware},
{trained}): {steps:,} steps in {train_seconds:.0f} s under {precision}, on
{training_data}.

Inter-ocular error (%) after the paper's linear regression (1,000 faces), on 500
held-out faces: trained {trained_error:.2f}, untrained detector {untrained:.2f},
mean shape {mean_shape:.2f} (the run's measurement); the shipped float32 weights
measure {float32_error:.2f}. All numbers: `metadata.json`.

Files: `config.json` (the model's Keras configuration, float32),
`model.weights.h5` ({weights_bytes:,} bytes), `metadata.json`.

    import keras_landmarks as kl
    model = kl.models.LandmarkModel.from_preset("synthetic_faces")
    keypoints = model.predict_keypoints(images)  # (N, 48, 48, 3) in [0, 255]

Drawn faces only: on photographs expect little.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True, help="the demo's --out folder")
    parser.add_argument("--command", required=True, help="the command that ran")
    parser.add_argument("--commit", required=True, help="the code's commit")
    parser.add_argument("--hardware", required=True)
    parser.add_argument("--trained", required=True, help="when it trained")
    parser.add_argument("--out", default=str(SHIPPED_DIR / PRESET_NAME))
    args = parser.parse_args()

    with open(os.path.join(args.run, RESULTS_FILENAME)) as f:
        results = json.load(f)
    trained = load_landmark_model(os.path.join(args.run, "model.keras"))
    model = float32_copy(trained)
    config = results["config"]
    training_data = (
        f"{config['num_train']:,} synthetic faces (make_faces, seed "
        f"{config['seed']}, {config['image_size']}x{config['image_size']}, "
        f"{config['framing']} framing, clutter {config['clutter']}) in "
        f"thin-plate-spline pairs ({config['padding']} padding), batch "
        f"{config['batch_size']}"
    )
    evaluation = {
        EVALUATION_NAME: results[EVALUATION_NAME],
        "sample_efficiency": results["sample_efficiency"],
        f"{EVALUATION_NAME}_float32": measure_again(model, args.run, results),
    }
    metadata = {
        "description": DESCRIPTION,
        "training_data": training_data,
        **run_provenance(
            results,
            trained,
            model,
            args.command,
            args.commit,
            args.hardware,
            args.trained,
        ),
        "evaluation": evaluation,
        "evaluation_protocol": (
            "least squares without bias from the 2K keypoint coordinates to the "
            f"5 landmarks, fitted on {config['num_regression']} training faces, "
            f"mean error on {config['num_test']} held-out faces (seed "
            f"{config['seed'] + 1}) in % of the inter-ocular distance; "
            f"'{EVALUATION_NAME}' and 'sample_efficiency' are the run's own "
            f"results.json, '{EVALUATION_NAME}_float32' the shipped float32 weights"
        ),
    }
    written = save_to_preset(model, args.out, metadata, overwrite=True)
    overall = results[EVALUATION_NAME]["overall"]
    readme = README.format(
        precision=written["training_precision"],
        trained_error=overall["trained detector"],
        untrained=overall["untrained detector"],
        mean_shape=overall["mean shape"],
        float32_error=evaluation[f"{EVALUATION_NAME}_float32"]["overall"][
            "trained detector"
        ],
        **written,
    )
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(readme)
    print(json.dumps({k: v for k, v in written.items() if k != "run_config"}, indent=1))


if __name__ == "__main__":
    main()
