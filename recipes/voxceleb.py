"""VoxCeleb: frame pairs of talking-face videos, K = 30, MAFL / AFLW evaluation.

Command:

    python recipes/voxceleb.py --data_dir=/data/voxceleb1/unzippedFaces \
        --mafl_dir=/data/celeba --aflw_dir=/data/aflw --run_dir=runs/voxceleb

Hardware and time: one GPU, the same schedule as recipes/celeba.py (100k-150k
steps of batch 50, 2-3 days on a 2017 GPU).

Data: `--data_dir` is the VoxCeleb1 `unzippedFaces` folder,
`<identity>/1.6/<video>/<frame>.jpg` (identities starting with "E" are held
out). Pairs are two frames of one face track 3-30 frames apart, flipped and
swapped at random. `--exclude_identities` is a text file of the VoxCeleb
identity names (one a line) that also appear in the MAFL/AFLW test sets.

Protocol (paper section 4.1): train on VoxCeleb1 frame pairs minus the
identities of `--exclude_identities` (the paper drops those appearing in the
MAFL/AFLW test sets, so the evaluation faces are unseen people; the ones found
and left out are listed in `results.json` under "excluded_identities"; give
the file for the paper's setting, without it nothing is excluded and the
recipe says so). The landmarks are evaluated on MAFL (`--mafl_dir`, the
CelebA root; regressor on MAFL train minus its last 10 %, as recipes/celeba.py)
and/or AFLW (`--aflw_dir`): regressor fitted on their train split,
inter-ocular error on their test split.

Paper: the VoxCeleb-trained model's MAFL and AFLW errors are reported in the
paper (faces results, Table 1); we do not quote them here (not re-checked).
"""

import dataclasses

from keras_landmarks.data.datasets.aflw import AFLW_LAYOUT
from keras_landmarks.data.datasets.aflw import aflw_splits
from keras_landmarks.data.datasets.celeba import CELEBA_LAYOUT
from keras_landmarks.data.datasets.celeba import mafl_splits
from keras_landmarks.data.datasets.voxceleb import read_identity_list
from keras_landmarks.data.datasets.voxceleb import voxceleb_identities
from keras_landmarks.data.datasets.voxceleb import voxceleb_pairs
from keras_landmarks.data.pairs.frame_pairs import ENDLESS
from keras_landmarks.training.recipe import run_recipe_from
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_errors
from keras_landmarks.training.recipe_arguments import data_folder
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import require_folder
from keras_landmarks.training.recipe_arguments import run_main
from keras_landmarks.training.run import add_results

EXPECTED = (
    "the VoxCeleb1 unzippedFaces folder: <identity>/1.6/<video id>/<frame>.jpg "
    "(or <identity>/<video id>/<frame>.jpg)."
)


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # VoxCeleb1 unzippedFaces (see EXPECTED)
    mafl_dir: str = ""  # CelebA root for the MAFL evaluation ("" = skip)
    aflw_dir: str = ""  # AFLW root for the AFLW evaluation ("" = skip)
    exclude_identities: str = ""  # file: identities in MAFL/AFLW test (paper)
    run_dir: str = "runs/voxceleb"  # checkpoints, logs, model.keras, results.json
    num_keypoints: int = 30  # paper: K = 30 for VoxCeleb
    image_size: int = 128  # paper: 128 x 128 faces
    min_gap: int = 3  # frames between source and target, at least
    max_gap: int = 30  # and at most
    architecture: str = "paper"  # "paper", "cpu" or widths (presets.ARCHITECTURES)
    loss: str = "perceptual"  # paper Table 2 options
    loss_network: str = "vgg19"  # paper text: ImageNet VGG-19
    loss_weights: str = "imagenet"  # "imagenet", "torchvision" or a .weights.h5 path
    batch_size: int = 50  # reference code
    steps: int = 150_000  # as CelebA
    max_minutes: float | None = None  # optional time budget
    learning_rate: float = 1e-3  # reference code
    num_regression: int | None = None  # regression images per evaluation (all)
    num_test: int | None = None  # test images per evaluation (all)
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    require_folder(config.data_dir, "data_dir", EXPECTED)
    if not config.mafl_dir and not config.aflw_dir:
        raise RecipeError("Give --mafl_dir and/or --aflw_dir to evaluate on.")
    excluded = frozenset()
    if config.exclude_identities:
        try:
            excluded = read_identity_list(config.exclude_identities)
        except ValueError as error:
            raise RecipeError(f"--exclude_identities: {error}") from error
    else:
        print("No --exclude_identities: identities of the MAFL/AFLW test sets stay.")
    with data_errors("data_dir", config.data_dir, EXPECTED):
        pairs = voxceleb_pairs(
            config.data_dir,
            "train",
            config.image_size,
            excluded_identities=excluded,
            seed=config.seed,
            min_gap=config.min_gap,
            max_gap=config.max_gap,
            num_pairs=ENDLESS,
            shuffle_videos=True,  # each batch from videos all over the set
        )
    check_pairs(pairs, "data_dir", config.data_dir, EXPECTED)
    evaluations = []
    if config.mafl_dir:
        with data_folder("mafl_dir", config.mafl_dir, CELEBA_LAYOUT):
            evaluations.append(
                mafl_splits(
                    config.mafl_dir,
                    config.image_size,
                    config.num_regression,
                    config.num_test,
                )
            )
    if config.aflw_dir:
        with data_folder("aflw_dir", config.aflw_dir, AFLW_LAYOUT):
            evaluations.append(
                aflw_splits(
                    config.aflw_dir,
                    config.image_size,
                    config.num_regression,
                    config.num_test,
                )
            )
    result = run_recipe_from(config, pairs, evaluations)
    left_out = excluded & voxceleb_identities(config.data_dir)
    add_results(result, excluded_identities=sorted(left_out))
    return result


if __name__ == "__main__":
    run_main(main)
