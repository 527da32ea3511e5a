"""Self-supervised loss network: VGG-16 trained to colourise grey images.

Command:

    python recipes/selfsup_vgg.py --data_dir=/data/celeba/img_align_celeba \
        --run_dir=runs/selfsup

then use it as the perceptual loss's network (the paper's "selfsup" rows):

    python recipes/celeba.py --data_dir=/data/celeba --loss_network=vgg16 \
        --loss_weights=runs/selfsup/vgg16_colorization.weights.h5

Hardware and time: one GPU, 100k steps of batch 32 at 128 px (several hours;
our choice, the paper does not give a schedule). CPU-sized:
`--image_size=64 --batch_size=8 --steps=2000` (about an hour on 2 cores).

Data: any folder of colour images (`.jpg`, `.png`, ...; sub-folders included).
The network sees the luminance repeated to three channels, Caffe-preprocessed
exactly as `VGGFeatures` preprocesses a weights file, and predicts RGB
(`keras_landmarks.models.colorization`). Only the VGG-16 trunk is saved, as
`vgg16_colorization.weights.h5` in `--run_dir`.

Paper: the "selfsup" rows of the paper's tables; numbers not quoted here.
"""

import dataclasses
import os

import keras

from keras_landmarks.data.datasets.image_folder import image_folder
from keras_landmarks.models.colorization import colorization_batches
from keras_landmarks.models.colorization import colorization_model
from keras_landmarks.models.colorization import save_loss_network_weights
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_errors
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import require_folder
from keras_landmarks.training.recipe_arguments import run_main
from keras_landmarks.training.recipe_model import prepare_keras

EXPECTED = "a folder of colour images (.jpg, .jpeg, .png, .bmp, .gif)."
WEIGHTS_FILENAME = "vgg16_colorization.weights.h5"


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # any folder of colour images
    run_dir: str = "runs/selfsup"  # where the weights file is written
    image_size: int = 128  # a multiple of 16
    decoder_channels: int = 64  # width of the colourisation decoder
    batch_size: int = 32  # our choice
    steps: int = 100_000  # our choice
    learning_rate: float = 1e-4  # Adam, our choice (VGG from scratch, no BN)
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    if config.image_size % 16:
        raise RecipeError(
            f"--image_size must be a multiple of 16. Received: {config.image_size}"
        )
    require_folder(config.data_dir, "data_dir", EXPECTED)
    with data_errors("data_dir", config.data_dir, EXPECTED):
        images = image_folder(config.data_dir, config.image_size)
        images = images.map(lambda element: element["image"])
        batches = colorization_batches(
            images.shuffle(1000, seed=config.seed).repeat(), config.batch_size
        )
        check_pairs(batches, "data_dir", config.data_dir, EXPECTED)
    prepare_keras(config)
    model = colorization_model(config.decoder_channels)
    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss="mse",
        run_eagerly=config.run_eagerly,
    )
    model.fit(batches, steps_per_epoch=config.steps, epochs=1, shuffle=False)
    os.makedirs(config.run_dir, exist_ok=True)
    path = save_loss_network_weights(
        model, os.path.join(config.run_dir, WEIGHTS_FILENAME)
    )
    print(f"Saved {path}; use --loss_network=vgg16 --loss_weights={path}")
    return path


if __name__ == "__main__":
    run_main(main)
