"""Ablations of paper Table 2: the reconstruction loss and the bottleneck.

Commands (CelebA training, MAFL evaluation as recipes/celeba.py):

    python recipes/ablation.py --data_dir=/data/celeba --loss=pixel_l1
    python recipes/ablation.py --data_dir=/data/celeba --loss=pixel_l2
    python recipes/ablation.py --data_dir=/data/celeba --loss=adversarial_l1
    python recipes/ablation.py --data_dir=/data/celeba --loss=adversarial_l2
    python recipes/ablation.py --data_dir=/data/celeba --loss=perceptual
    python recipes/ablation.py --data_dir=/data/celeba --bottleneck=dense --code_size=10
    (and --code_size=20, 60)
    python recipes/ablation.py --data_dir=/data/celeba --loss=perceptual \
        --loss_network=colorization --loss_weights=runs/selfsup/colorization.keras

Losses: pixel L1/L2 on [0, 255] images; adversarial = pixel L1/L2 plus a
patch discriminator trained alongside (one optimizer, see
`keras_landmarks.losses.adversarial_loss`); perceptual = VGG features (the
last command: the self-supervised network of recipes/selfsup_vgg.py, the
paper's "selfsup" rows). Bottleneck "dense": the detector's heatmaps go
through a fully connected layer of width d instead of K 2-D points; the
landmarks are regressed linearly from the d-dim code.

Hardware and time: as recipes/celeba.py (one GPU, days per row).

Paper: the numbers of every row are reported in the paper, Table 2; we do not
quote them here (not re-checked).
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


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # CelebA root (CELEBA_LAYOUT)
    run_dir: str = "runs/ablation"  # checkpoints, logs, model.keras, results.json
    loss: str = (
        "perceptual"  # perceptual, pixel_l1, pixel_l2, adversarial_l1, adversarial_l2
    )
    bottleneck: str = "keypoints"  # "keypoints" (paper) or "dense" (Table 2 ablation)
    code_size: int = 20  # d of the dense bottleneck: paper 10, 20, 60
    adversarial_weight: float = 1.0  # generator's adversarial term (our choice)
    loss_network: str = "vgg19"  # paper text: ImageNet VGG-19; selfsup: colorization
    loss_weights: str = "imagenet"  # "imagenet", "torchvision" or a .weights.h5 path
    num_keypoints: int = 10  # K (the detector's channels for "dense")
    image_size: int = 128  # reference
    architecture: str = "paper"  # "paper", "cpu" or widths (presets.ARCHITECTURES)
    batch_size: int = 50  # reference code
    steps: int = 150_000  # reference schedule
    max_minutes: float | None = None  # optional time budget
    learning_rate: float = 1e-3  # reference code
    num_regression: int | None = None  # MAFL train images for the regressor (all)
    num_test: int | None = None  # MAFL test images (all 1000)
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order, warps and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    with data_folder("data_dir", config.data_dir, CELEBA_LAYOUT):
        pairs = celeba_pairs(config.data_dir, config.image_size, config.seed)
        check_pairs(pairs, "data_dir", config.data_dir, CELEBA_LAYOUT)
        mafl = mafl_splits(
            config.data_dir, config.image_size, config.num_regression, config.num_test
        )
    return run_recipe_from(config, pairs, [mafl])


if __name__ == "__main__":
    run_main(main)
