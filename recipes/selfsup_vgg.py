"""Self-supervised loss network: Larsson et al.'s colourisation VGG-16.

Command:

    python recipes/selfsup_vgg.py --data_dir=/data/celeba/img_align_celeba \
        --run_dir=runs/selfsup

then use it as the perceptual loss's network (the paper's "selfsup" rows):

    python recipes/celeba.py --data_dir=/data/celeba --loss_network=colorization \
        --loss_weights=runs/selfsup/colorization.keras

Or skip training and convert the authors' released weights (the file the
landmark code's README links, `vgg16.caffemodel.h5`, 0.6 GB):

    python -m keras_landmarks.pretrained.colorization_weights \
        vgg16.caffemodel.h5 runs/selfsup/colorization.keras

Network and objective (`ColorizationNetwork`, `ColorizationLoss`; sources in
their docstrings): VGG-16 with fc6/fc7 as convolutions and batch norm, on the
lightness (mean of R, G, B); a hypercolumn sampled at 256 random locations per
image (32 px from the border) feeds a 1024-wide layer and two 32-bin heads,
hue and chroma, trained with cross-entropy, the hue term weighted by 5 x chroma.
SGD with momentum 0.9, lr 1e-3, weight decay 5e-4 (the authors' Caffe solver).

Hardware and time: the published network was trained on ImageNet for up to 2M
steps of batch 8 (the authors' solver); here 100k steps of batch 8 at 128 px
on one GPU (about a day; our choice, not measured). Tiny runs (tests):
`--image_size=32 --edge_margin=4 --num_locations=8 --block_channels=4,4,4,4,4
--fc_channels=8 --hidden_channels=8 --steps=2`.

Data: any folder of colour images (`.jpg`, `.png`, ...; sub-folders included),
resized to `--image_size` (a multiple of 32). The whole network is saved as
`colorization.keras` in `--run_dir`.

Paper: the "selfsup" rows of the paper's tables; not run here.
"""

import dataclasses
import os

import keras

from keras_landmarks.data.colorization_examples import EDGE_MARGIN
from keras_landmarks.data.colorization_examples import NUM_LOCATIONS
from keras_landmarks.data.colorization_examples import colorization_examples
from keras_landmarks.data.datasets.image_folder import image_folder
from keras_landmarks.losses.colorization_loss import ColorizationLoss
from keras_landmarks.losses.colorization_network import BINS
from keras_landmarks.losses.colorization_network import FC_CHANNELS
from keras_landmarks.losses.colorization_network import HIDDEN_CHANNELS
from keras_landmarks.losses.colorization_network import VGG16_BLOCK_CHANNELS
from keras_landmarks.losses.colorization_network import ColorizationNetwork
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_errors
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import require_folder
from keras_landmarks.training.recipe_arguments import run_main
from keras_landmarks.training.recipe_model import prepare_keras

EXPECTED = "a folder of colour images (.jpg, .jpeg, .png, .bmp, .gif)."
NETWORK_FILENAME = "colorization.keras"


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # any folder of colour images
    run_dir: str = "runs/selfsup"  # where colorization.keras is written
    image_size: int = 128  # a multiple of 32; our choice (the authors: 352 crops)
    num_locations: int = NUM_LOCATIONS  # sampled locations per image (authors')
    edge_margin: int = EDGE_MARGIN  # px between locations and the border (authors')
    block_channels: tuple[int, ...] = VGG16_BLOCK_CHANNELS  # VGG-16 widths
    fc_channels: int = FC_CHANNELS  # fc6/fc7 width (authors': 4096)
    hidden_channels: int = HIDDEN_CHANNELS  # hypercolumn layer (authors': 1024)
    bins: int = BINS  # hue and chroma bins (authors': 32)
    batch_size: int = 8  # the authors' solver
    steps: int = 100_000  # our choice (the authors: up to 2M)
    learning_rate: float = 1e-3  # SGD, momentum 0.9 (the authors' solver)
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order, locations and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    if config.image_size % 32:
        raise RecipeError(
            f"--image_size must be a multiple of 32. Received: {config.image_size}"
        )
    require_folder(config.data_dir, "data_dir", EXPECTED)
    try:
        with data_errors("data_dir", config.data_dir, EXPECTED):
            images = image_folder(config.data_dir, config.image_size)
            images = images.map(lambda element: element["image"])
            examples = colorization_examples(
                images.shuffle(1000, seed=config.seed).repeat(),
                config.num_locations,
                config.edge_margin,
                seed=config.seed,
            )
            batches = examples.batch(config.batch_size, drop_remainder=True)
            check_pairs(batches, "data_dir", config.data_dir, EXPECTED)
    except ValueError as error:
        raise RecipeError(str(error)) from error
    prepare_keras(config)
    try:
        network = ColorizationNetwork(
            block_channels=config.block_channels,
            fc_channels=config.fc_channels,
            hidden_channels=config.hidden_channels,
            bins=config.bins,
        )
    except ValueError as error:
        raise RecipeError(str(error)) from error
    network.compile(
        optimizer=keras.optimizers.SGD(config.learning_rate, momentum=0.9),
        loss=ColorizationLoss(bins=config.bins),
        run_eagerly=config.run_eagerly,
    )
    network.fit(batches, steps_per_epoch=config.steps, epochs=1, shuffle=False)
    os.makedirs(config.run_dir, exist_ok=True)
    path = os.path.join(config.run_dir, NETWORK_FILENAME)
    network.save(path)
    print(f"Saved {path}; use --loss_network=colorization --loss_weights={path}")
    return path


if __name__ == "__main__":
    run_main(main)
