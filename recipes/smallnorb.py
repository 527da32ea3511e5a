"""SmallNORB: one detector per category, pairs of neighbouring viewpoints, K = 20.

Command (all five categories, one after the other):

    python recipes/smallnorb.py --data_dir=/data/smallnorb --run_dir=runs/smallnorb

Hardware and time: one GPU; per category we default to 50k steps of batch 50
(our choice; the paper gives no schedule for SmallNORB), under a day each on
a 2017 GPU.

Data: the official SmallNORB files (`smallnorb-5x46789x9x18x6x2x96x96-
training-{dat,cat,info}.mat`, and the `testing` ones), unpacked. Pairs are two
neighbouring viewpoints (elevation or azimuth step) of one object.

Protocol: the 96-px images are resized to 128 px so that the reference
networks (8x downsampling) give the paper's 16 x 16 maps (at 96 px they would
be 12 x 12). Evaluation: qualitative in the paper (figures of the most stable
landmarks). Here every keypoint's mean displacement between neighbouring test
viewpoints is measured; keypoints stuck at one image position whatever the
object and view (`keypoint_stability.MIN_SPREAD_PX`) rank last, since they
mark no part; `results.json` ("stability") lists the keypoints from most to
least stable, and `<run_dir>/<category>/most_stable_keypoints.png` shows one
test object over neighbouring azimuths with only the most stable keypoints
drawn, each in its own colour.
"""

import dataclasses

from keras_landmarks.data.datasets.smallnorb import CATEGORIES
from keras_landmarks.data.datasets.smallnorb import smallnorb_pairs
from keras_landmarks.data.datasets.smallnorb import smallnorb_viewpoints
from keras_landmarks.data.pairs.frame_pairs import ENDLESS
from keras_landmarks.training.recipe import report_stability
from keras_landmarks.training.recipe import run_recipe_from
from keras_landmarks.training.recipe_arguments import check_choice
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_errors
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import require_folder
from keras_landmarks.training.recipe_arguments import run_main

EXPECTED = (
    "the SmallNORB files unpacked: smallnorb-5x46789x9x18x6x2x96x96-training-"
    "{dat,cat,info}.mat (and -testing-...)."
)


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # SmallNORB folder (see EXPECTED)
    run_dir: str = "runs/smallnorb"  # one sub-folder per category
    categories: tuple[str, ...] = CATEGORIES  # paper: one detector per category
    num_keypoints: int = 20  # paper: K = 20
    image_size: int = 128  # 96-px images upsampled: the paper's 16x16 maps
    architecture: str = "paper"  # "paper", "cpu" or widths (presets.ARCHITECTURES)
    loss: str = "perceptual"  # paper Table 2 options
    loss_network: str = "vgg19"  # paper text: ImageNet VGG-19
    loss_weights: str = "imagenet"  # "imagenet", "torchvision" or a .weights.h5 path
    batch_size: int = 50  # reference code
    steps: int = 50_000  # per category, our choice
    max_minutes: float | None = None  # optional time budget per category
    learning_rate: float = 1e-3  # reference code
    stability_split: str = "test"  # split whose pairs measure stability
    num_stability_pairs: int = 500  # pairs measured
    num_shown_keypoints: int = 5  # most stable keypoints in the picture (our choice)
    num_views: int = 6  # neighbouring azimuths in the picture (our choice)
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    require_folder(config.data_dir, "data_dir", EXPECTED)
    for category in config.categories:
        check_choice("categories", category, CATEGORIES)
    results = {}
    for category in config.categories:
        with data_errors("data_dir", config.data_dir, EXPECTED):
            pairs = smallnorb_pairs(
                config.data_dir,
                "train",
                category,
                config.image_size,
                seed=config.seed,
                num_pairs=ENDLESS,
            ).shuffle(1000, seed=config.seed)
            check_pairs(pairs, "data_dir", config.data_dir, EXPECTED)
            held_out = smallnorb_pairs(
                config.data_dir,
                config.stability_split,
                category,
                config.image_size,
                seed=config.seed + 1,
            )
            views, azimuths = smallnorb_viewpoints(
                config.data_dir,
                config.stability_split,
                category,
                config.image_size,
                config.num_views,
            )
        result = run_recipe_from(config, pairs, run_dir=f"{config.run_dir}/{category}")
        results[category] = report_stability(
            result,
            held_out,
            config.num_stability_pairs,
            views,
            config.num_shown_keypoints,
            titles=[f"azimuth {a}°" for a in azimuths],
        )
    return results


if __name__ == "__main__":
    run_main(main)
