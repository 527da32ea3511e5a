"""Turns a finished `keras-landmarks train` run on box.mp4 into the shipped preset.

    python scripts/make_box_preset.py --run box/runs/neweq \\
        --measures box/measures/neweq/measures.json \\
        --command "keras-landmarks --backend tensorflow train --data videos:train \\
            --out runs/neweq --steps 1500 --curve-every 250" \\
        --commit e82e728 --hardware "2-core Intel Xeon with AMX-BF16" \\
        --trained "2026-12-02 05:20-06:01 UTC"

Reads RUN/model.keras (the weights are copied as float32, nothing is
retrained), RUN/results.json (steps, time, settings) and the label-free
measures of `docs/box_demo/measure_tracking.py` on the held-out frames (every
number in the metadata comes from those files; only the command, commit,
hardware and date, which the run does not record, are given here). No
annotations exist for box.mp4, so the evaluation is label-free: equivariance
and geometry-follow error against an untrained detector of the same
architecture. Seconds on 2 CPU cores.
"""

import argparse
import json
import os

from keras_landmarks.export.detector import load_landmark_model
from keras_landmarks.presets.float32_model import float32_copy
from keras_landmarks.presets.preset_files import save_to_preset
from keras_landmarks.presets.preset_metadata import run_provenance
from keras_landmarks.presets.registry import SHIPPED_DIR
from keras_landmarks.training.run import RESULTS_FILENAME

PRESET_NAME = "box_video"
DESCRIPTION = (
    "10 keypoints on the box of OpenCV's box.mp4 (a hand turning a box), "
    "trained on its first 340 frames."
)
# The label-free measures shipped as evaluations (lower is better for each).
MEASURES = {
    "equivariance_percent": "equivariance error (% of the image size, label-free)",
    "geometry_follow_percent": "geometry-follow error (% of the image size, "
    "label-free)",
    "temporal_jitter": "temporal jitter (mean acceleration / mean speed)",
}

README = """\
# Preset `box_video`

{description} Trained by `{command}` (commit {code_commit}, {hardware},
{trained}): {steps:,} steps in {train_seconds:.0f} s under {precision}, on
{training_data}.

Measured on the last {frames} frames of the video, never trained on, against an
untrained detector of the same architecture (lower is better):
equivariance error {equivariance:.2f} % (untrained {equivariance_untrained:.2f}),
geometry-follow error {follow:.2f} % (untrained {follow_untrained:.2f}), temporal
jitter {jitter:.2f} (untrained {jitter_untrained:.2f}). No annotations exist for
this video, so there is no landmark error. All numbers: `metadata.json`.

Files: `config.json` (the model's Keras configuration, float32),
`model.weights.h5` ({weights_bytes:,} bytes), `metadata.json`.

    import keras_landmarks as kl
    model = kl.models.LandmarkModel.from_preset("box_video")
    keypoints = model.predict_keypoints(frames)  # (N, {size}, {size}, 3) in [0, 255]

    keras-landmarks detect clip.mp4 --preset box_video --out tracks --smooth savgol

One box in one scene: a demonstration of training on a video, not a general
box detector.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True, help="the train command's --out")
    parser.add_argument(
        "--measures", required=True, help="measure_tracking.py's measures.json"
    )
    parser.add_argument("--command", required=True, help="the command that ran")
    parser.add_argument("--commit", required=True, help="the code's commit")
    parser.add_argument("--hardware", required=True)
    parser.add_argument("--trained", required=True, help="when it trained")
    parser.add_argument("--out", default=str(SHIPPED_DIR / PRESET_NAME))
    args = parser.parse_args()

    with open(os.path.join(args.run, RESULTS_FILENAME)) as f:
        results = json.load(f)
    with open(args.measures) as f:
        measures = json.load(f)
    trained = load_landmark_model(os.path.join(args.run, "model.keras"))
    model = float32_copy(trained)
    config = results["config"]
    height, width = model.image_size
    training_data = (
        f"frame pairs of {config['data']} (OpenCV's box.mp4, frames 0-339 at "
        f"160x120, centre-cropped and resized to {height}x{width}, frame gaps "
        "3-30, flipped and swapped at random), each target also warped by a "
        f"thin-plate spline for the equivariance term, batch {config['batch_size']}"
    )
    where = f"on the {measures['frames']} held-out frames of {measures['video']}"
    evaluation = {
        f"box_heldout_{key}": {
            "metric": f"{text} {where}",
            "overall": {
                "trained detector": measures["trained"][key],
                "untrained detector": measures["untrained"][key],
            },
        }
        for key, text in MEASURES.items()
    }
    evaluation["box_heldout_label_free"] = measures
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
            "docs/box_demo/measure_tracking.py on the held-out frames (their "
            "centre cropped and resized to the model's size, as training and "
            "detect frame them): equivariance and geometry-follow error "
            "(keras_landmarks.training.learning_curve.label_free_measures, seed 0) "
            "and temporal jitter, against an untrained detector of the same "
            "architecture initialised from seed 0"
        ),
    }
    written = save_to_preset(model, args.out, metadata, overwrite=True)
    trained_measures, untrained = measures["trained"], measures["untrained"]
    readme = README.format(
        precision=written["training_precision"],
        frames=measures["frames"],
        equivariance=trained_measures["equivariance_percent"],
        equivariance_untrained=untrained["equivariance_percent"],
        follow=trained_measures["geometry_follow_percent"],
        follow_untrained=untrained["geometry_follow_percent"],
        jitter=trained_measures["temporal_jitter"],
        jitter_untrained=untrained["temporal_jitter"],
        size=height,
        **written,
    )
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(readme)
    print(json.dumps({k: v for k, v in written.items() if k != "run_config"}, indent=1))


if __name__ == "__main__":
    main()
