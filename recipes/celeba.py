"""CelebA: thin-plate-spline pairs, K = 10 / 30 / 50, MAFL regression (paper Table 1).

Command (the paper's setting, K = 10; repeat with --num_keypoints=30 and 50):

    python recipes/celeba.py --data_dir=/data/celeba --run_dir=runs/celeba_k10

Hardware and time: one GPU (the reference trained 100k-150k steps of batch 50,
2-3 days on a 2017 GPU). `--architecture=cpu --image_size=64` fits a CPU.
The perceptual loss needs VGG weights: `--loss_network=vgg19
--loss_weights=imagenet` downloads Keras' (the paper's text); offline use
`--loss_network=vgg16 --loss_weights=torchvision` (see
`python -m keras_landmarks.pretrained.vgg_weights`).

Data: the CelebA root with `img_align_celeba/`, `list_landmarks_align_celeba.txt`
and `MAFL/training.txt`, `MAFL/testing.txt`.

Protocol (paper section 4.1, reference code): trains on CelebA minus the MAFL
test images (thin-plate-spline pairs, 160 px resize, 128 px centre crop); the
linear regressor (no bias) from the K keypoints to the 5 annotated points is
fitted on MAFL train minus its last 10 % (17,100 of 19,000 images, the rest
kept for validation, `--validation_fraction`) and tested on the 1,000 MAFL test
images; error in % of the inter-ocular distance. The sample-efficiency curve
(the paper's sample-efficiency plot: the regressor fitted on n = 1, 5, 10,
100, 500, 1000 random images and all of them, 10 draws each) goes to
`results.json` under "sample_efficiency".

Paper (Table 1), MAFL inter-ocular error: 3.19 % (K=10), 2.58 % (K=30),
2.54 % (K=50).
"""

import dataclasses

from keras_landmarks.data.datasets.celeba import CELEBA_LAYOUT
from keras_landmarks.data.datasets.celeba import celeba_pairs
from keras_landmarks.data.datasets.celeba import mafl_splits
from keras_landmarks.training.recipe import run_recipe_from
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_folder
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import run_main
from keras_landmarks.training.run import report_sample_efficiency


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # CelebA root (CELEBA_LAYOUT)
    run_dir: str = "runs/celeba"  # checkpoints, logs, model.keras, results.json
    num_keypoints: int = 10  # K: paper 10, 30 or 50
    image_size: int = 128  # reference: resize 160, centre-crop 128
    architecture: str = "paper"  # "paper", "cpu" or widths (presets.ARCHITECTURES)
    loss: str = (
        "perceptual"  # paper Table 2: perceptual, pixel_l1/l2, adversarial_l1/l2
    )
    loss_network: str = "vgg19"  # paper text: ImageNet VGG-19; reference code: VGG-16
    loss_weights: str = "imagenet"  # "imagenet", "torchvision" or a .weights.h5 path
    batch_size: int = 50  # reference code
    steps: int = 150_000  # reference: 100k-150k steps suffice
    max_minutes: float | None = None  # optional time budget
    learning_rate: float = 1e-3  # reference code (x0.95 every 100k steps)
    num_regression: int | None = None  # MAFL train images for the regressor (all)
    num_test: int | None = None  # MAFL test images (all 1000)
    validation_fraction: float = 0.1  # reference: last 10 % of MAFL train held out
    sample_efficiency_draws: int = 10  # random subsets per n for the curve
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order, warps and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    with data_folder("data_dir", config.data_dir, CELEBA_LAYOUT):
        pairs = celeba_pairs(config.data_dir, config.image_size, config.seed)
        check_pairs(pairs, "data_dir", config.data_dir, CELEBA_LAYOUT)
        mafl = mafl_splits(
            config.data_dir,
            config.image_size,
            config.num_regression,
            config.num_test,
            config.validation_fraction,
        )
    result = run_recipe_from(config, pairs, [mafl])
    report_sample_efficiency(
        result, mafl, config.seed, num_draws=config.sample_efficiency_draws
    )
    return result


if __name__ == "__main__":
    run_main(main)
