"""SVHN: pairs of two digits of one house number; the appearance/geometry swap grid.

Command:

    python recipes/svhn.py --data_dir=/data/svhn --run_dir=runs/svhn

Hardware and time: one GPU; 32 x 32 images train fast (we default to 50k steps
of batch 50, a few hours; the paper gives no schedule for SVHN).

Data: SVHN format 1 (`train/digitStruct.mat` and `train/*.png`; `test/` for
the grid). The source and the target are two different digits of the same
house number: the generator must take the style from one and the digit's
shape from the keypoints of the other.

Result: qualitative in the paper (figure of the swap grid). This recipe writes
`swap_grid.png` (row i: appearance of image i; column j: geometry of image j)
and `swap_grid.npy`.
"""

import dataclasses

import numpy as np

from keras_landmarks.data.datasets.svhn import svhn_pairs
from keras_landmarks.data.pairs.frame_pairs import ENDLESS
from keras_landmarks.training.recipe import run_recipe_from
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_errors
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import require_folder
from keras_landmarks.training.recipe_arguments import run_main
from keras_landmarks.visualization.swap_grid import write_swap_grid

EXPECTED = "the SVHN format-1 folders: train/digitStruct.mat and train/*.png."


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # SVHN root holding train/ (and test/)
    run_dir: str = "runs/svhn"  # checkpoints, logs, model.keras, swap grid
    num_keypoints: int = 10  # our choice
    image_size: int = 32  # SVHN's size
    architecture: str = "cpu"  # "paper" needs >= 64 px (8x downsampling)
    loss: str = "perceptual"  # paper Table 2 options
    loss_network: str = "vgg19"  # paper text: ImageNet VGG-19
    loss_weights: str = "imagenet"  # "imagenet", "torchvision" or a .weights.h5 path
    batch_size: int = 50  # reference code
    steps: int = 50_000  # our choice
    max_minutes: float | None = None  # optional time budget
    learning_rate: float = 1e-3  # reference code
    grid_split: str = "train"  # split whose images fill the swap grid
    grid_size: int = 8  # images per side of the grid
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    require_folder(config.data_dir, "data_dir", EXPECTED)
    with data_errors("data_dir", config.data_dir, EXPECTED):
        pairs = svhn_pairs(
            config.data_dir,
            "train",
            config.image_size,
            seed=config.seed,
            num_pairs=ENDLESS,
        ).shuffle(1000, seed=config.seed)
        check_pairs(pairs, "data_dir", config.data_dir, EXPECTED)
        grid_pairs = svhn_pairs(
            config.data_dir, config.grid_split, config.image_size, seed=config.seed
        )
        grid_images = grid_pairs.take(config.grid_size).as_numpy_iterator()
        images = np.stack([pair["target"] for pair in grid_images])
    result = run_recipe_from(config, pairs)
    write_swap_grid(result.model, images, config.run_dir)
    return result


if __name__ == "__main__":
    run_main(main)
