"""Label-free measures of the box detector against an untrained one, on held-out frames.

The README's "Tracking a real object" section trains `model.keras` on the first 340
frames of OpenCV's box.mp4 and tracks the last 116 with `detect`. This script measures,
on those held-out frames, the trained detector and an untrained detector of the same
architecture (initialised from the seed, as `evaluate` does):
- temporal jitter (`evaluation.label_free.temporal_jitter`: mean acceleration over mean
  speed of the keypoint tracks; lower is steadier), raw and smoothed with the default
  `--smooth savgol`;
- equivariance error and geometry-follow error (`training.learning_curve.
  label_free_measures`, % of the image size; lower is better).
It writes measures.json and a frame strip (`visualization.keypoint_tracks`) to --out.

Command:
  python docs/box_demo/measure_tracking.py --model runs/box/model.keras \
      --video box/heldout/box_340-455.mp4 --out docs/box_demo
"""

import argparse
import json
import os

import keras

from keras_landmarks.data.files.video_files import VideoFrameStream
from keras_landmarks.evaluation.label_free import temporal_jitter
from keras_landmarks.export.detector import load_landmark_model
from keras_landmarks.inference.model_input import resize_for_model
from keras_landmarks.inference.model_input import to_frame_pixels
from keras_landmarks.inference.temporal_smoothing import SavitzkyGolaySmoother
from keras_landmarks.training.learning_curve import label_free_measures
from keras_landmarks.visualization import keypoint_tracks
from keras_landmarks.visualization import save_png

STRIP_SIZE = (120, 160)  # frames of the strip, a quarter of 480 x 640


def measure(model, images, seed):
    keypoints = model.predict_keypoints(images)  # (T, K, 2) on the model's grid
    smoothed = SavitzkyGolaySmoother().smooth(keypoints)
    return keypoints, {
        "temporal_jitter": float(temporal_jitter(keypoints).mean),
        "temporal_jitter_smoothed": float(temporal_jitter(smoothed).mean),
        **label_free_measures(model, images, seed=seed),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--video", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model = load_landmark_model(args.model)
    keras.utils.set_random_seed(args.seed)
    untrained = model.__class__.from_config(model.get_config())
    with VideoFrameStream(args.video) as stream:
        frames = list(stream)
    images = resize_for_model(frames, model.image_size)
    trained_points, results = measure(model, images, args.seed)
    _, results_untrained = measure(untrained, images, args.seed)
    summary = {
        "video": os.path.basename(args.video),
        "frames": len(frames),
        "trained": results,
        "untrained": results_untrained,
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "measures.json"), "w") as f:
        json.dump(summary, f, indent=1)
    small = resize_for_model(frames, STRIP_SIZE)
    points = to_frame_pixels(
        SavitzkyGolaySmoother().smooth(trained_points), model.image_size, STRIP_SIZE
    )
    save_png(
        keypoint_tracks(small, points, num_frames=6, min_size=None),
        os.path.join(args.out, "frame_strip.png"),
    )
    for name in ("trained", "untrained"):
        print(name, json.dumps(summary[name]))


if __name__ == "__main__":
    main()
