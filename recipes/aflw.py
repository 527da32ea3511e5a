"""AFLW: unsupervised fine-tuning of a CelebA model on AFLW, AFLW regression (Table 1).

Command (after recipes/celeba.py with the same K):

    python recipes/aflw.py --data_dir=/data/aflw \
        --init_model=runs/celeba_k10/model.keras --run_dir=runs/aflw_k10

Hardware and time: one GPU; fine-tuning is shorter than the CelebA run (we
default to 50k steps of batch 50, about a day on a 2017 GPU). Without
`--init_model` the model is trained from scratch on AFLW (not the paper's
protocol).

Data: the AFLW root of the reference code
(`keras_landmarks.data.datasets.aflw.AFLW_LAYOUT`):
`output/*.jpg`, `aflw_{train,test}_images.txt`, `aflw_{train,test}_keypoints.mat`.

Protocol (paper section 4.1, reference code): the CelebA model is fine-tuned on
the AFLW training images without labels (thin-plate-spline pairs), with the
CelebA run's optimizer restored (Adam's moments and step count, so the
reference's lr schedule carries on; `--steps` counts the fine-tuning steps,
`results.json`'s "steps" the optimizer's in all). The linear regressor (no
bias) from the K keypoints to the 5 annotated points is fitted on AFLW train and
tested on AFLW test, error in % of the inter-ocular distance. The paper's Fig. 7
appearance/geometry swaps of `--grid_size` AFLW test faces are written to
`swap_grid.png` / `swap_grid.npy`.

Paper (Table 1), AFLW inter-ocular error: 6.86 % (K=10), 6.31 % (K=30),
6.33 % (K=50).
"""

import dataclasses

from keras_landmarks.data.datasets.aflw import AFLW_LAYOUT
from keras_landmarks.data.datasets.aflw import aflw_pairs
from keras_landmarks.data.datasets.aflw import aflw_splits
from keras_landmarks.training.recipe import run_recipe_from
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_folder
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import run_main
from keras_landmarks.training.recipe_model import finetune_model
from keras_landmarks.training.recipe_model import optimizer_steps
from keras_landmarks.visualization.swap_grid import write_swap_grid


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # AFLW root (AFLW_LAYOUT)
    init_model: str = ""  # the CelebA model.keras to fine-tune ("" = from scratch)
    run_dir: str = "runs/aflw"  # checkpoints, logs, model.keras, results.json
    num_keypoints: int = 10  # K when training from scratch (else the model's)
    image_size: int = 128  # the CelebA model's input size
    architecture: str = "paper"  # "paper", "cpu" or widths (presets.ARCHITECTURES)
    loss: str = "perceptual"  # when training from scratch
    loss_network: str = "vgg19"  # when training from scratch
    loss_weights: str = "imagenet"  # when training from scratch
    batch_size: int = 50  # reference code
    steps: int = 50_000  # our choice for fine-tuning
    max_minutes: float | None = None  # optional time budget
    learning_rate: float = 1e-3  # reference code; a fresh optimizer's only
    restore_optimizer: bool = True  # reference: fine-tune restores Adam's state
    grid_size: int = 8  # AFLW test faces per side of the swap grid (Fig. 7)
    num_regression: int | None = None  # AFLW train images for the regressor (all)
    num_test: int | None = None  # AFLW test images (all)
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order, warps and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    with data_folder("data_dir", config.data_dir, AFLW_LAYOUT):
        pairs = aflw_pairs(config.data_dir, config.image_size, config.seed)
        check_pairs(pairs, "data_dir", config.data_dir, AFLW_LAYOUT)
        splits = aflw_splits(
            config.data_dir, config.image_size, config.num_regression, config.num_test
        )
    model = None  # from scratch: built from the config
    steps = config.steps
    if config.init_model:
        model = finetune_model(
            config.init_model,
            config.image_size,
            config.architecture,
            None if config.restore_optimizer else config.learning_rate,
            config.precision,
            config.run_eagerly,
            config.restore_optimizer,
        )
        # The run's step budget counts the optimizer's steps in all.
        steps += optimizer_steps(model)
    result = run_recipe_from(config, pairs, [splits], model=model, steps=steps)
    write_swap_grid(
        result.model, splits.test_images[: config.grid_size], result.run_dir
    )
    return result


if __name__ == "__main__":
    run_main(main)
