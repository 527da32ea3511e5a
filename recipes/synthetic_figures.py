"""Synthetic figures: the CPU-sized demo of the BBC-Pose experiment (no download).

Command:

    python recipes/synthetic_figures.py --run_dir=runs/synthetic_figures

Hardware and time: a laptop CPU, 10 minutes of training (`--minutes`), a
minute more for drawing the videos and the evaluation.

Data: `make_figure_sequences` draws 200 videos of 40 frames of articulated
figures moving over clutter; pairs are two frames 1-30 apart. Evaluation as
BBC-Pose: least squares without bias from the K keypoints to the 7 BBC-Pose
joints, fitted on frames of 50 other videos, % of joints within 6 px on 50
unseen videos and the accuracy-vs-distance curve, beside the mean-shape and
untrained-detector baselines (results.json).

Measured (README, 914 steps in 10 minutes on a loaded 2-core CPU): 33.3 %
within 6 px against 72.3 % for the mean shape and 61.9 % for the untrained
detector, i.e. still below both baselines at that budget; it needs far
longer training. The paper's BBC-Pose number (the table inside Fig. 4,
68.4 % within 6 px, K = 50) is for real video and the reference networks, not this demo.
"""

import dataclasses

from keras_landmarks.training.recipe import run_job
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import run_main
from keras_landmarks.training.synthetic_figures_job import run_synthetic_figures


@dataclasses.dataclass
class Config:
    run_dir: str = "runs/synthetic_figures"  # checkpoints and results.json
    minutes: float = 10.0  # training time budget
    steps: int | None = None  # optional step budget (whichever ends first)
    num_keypoints: int = 50  # paper's K for BBC-Pose
    image_size: int = 64  # CPU preset
    architecture: str = "cpu"  # "cpu" preset widths, or "paper", or widths written out
    loss: str = "pixel_l2"  # CPU preset
    batch_size: int = 16  # CPU preset
    num_sequences: int = 200  # training videos
    sequence_length: int = 40  # frames per video
    num_regression_sequences: int = 50  # videos the regressor is fitted on
    num_test_sequences: int = 50  # unseen test videos
    distance: float = 6.0  # BBC-Pose protocol: within 6 px
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # videos, pairs and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    return run_job(run_synthetic_figures, config)


if __name__ == "__main__":
    run_main(main)
