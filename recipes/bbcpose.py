"""BBC-Pose: frame pairs, K = 50, 7 joints, % within 6 px (the table in paper Fig. 4).

Command:

    python recipes/bbcpose.py --data_dir=/data/bbcpose --run_dir=runs/bbcpose

Hardware and time: one GPU, the reference schedule (100k-150k steps of batch
50, 2-3 days on a 2017 GPU).

Data: the BBC-Pose release (`bbcpose.mat`, `<video>/<frame>.jpg`).

Protocol (paper section 4.2): every frame is cropped to a square around the
signer (one box per video, centred on its annotated joints, one side for the
release: `bbc_pose.signer_crop_side`; `--signer_crop=False` resizes whole
frames, `--box=x0,y0,x1,y1` one fixed square box) and resized to 128 x 128.
Training pairs are two frames of one training video 3-30 frames apart. The
linear regressor from the 50 keypoints to the 7 joints is fitted on the
training videos' annotations and tested on the test videos' manual
annotations. Score: % of joints within `--distance` = 6 pixels of the
ORIGINAL frames (converted into the crop's pixels, written to results.json as
"distance_in_model_px"), and the accuracy-vs-distance curve (0-20 model px).
The annotated training frames the regressor needs are streamed: their joints
are read once, their images decoded a batch at a time whenever keypoints are
predicted (`labelled_stream`), so memory does not grow with
`--num_regression` (all by default); the test frames are held in memory.

Paper (the table inside Fig. 4, "Ours"): 68.4 % average accuracy within 6 px.
"""

import dataclasses

from keras_landmarks.data.datasets.bbc_pose import bbc_pose_pairs
from keras_landmarks.data.datasets.bbc_pose import bbc_pose_splits
from keras_landmarks.data.pairs.frame_pairs import ENDLESS
from keras_landmarks.training.recipe import run_recipe_from
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_errors
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import require_folder
from keras_landmarks.training.recipe_arguments import run_main
from keras_landmarks.training.run import add_results

EXPECTED = (
    "the BBC-Pose release: bbcpose.mat (or code/bbcpose.mat) and "
    "<video number>/<frame number>.jpg."
)


@dataclasses.dataclass
class Config:
    data_dir: str = ""  # BBC-Pose root (see EXPECTED)
    run_dir: str = "runs/bbcpose"  # checkpoints, logs, model.keras, results.json
    num_keypoints: int = 50  # paper: K = 50
    image_size: int = 128  # input size of the model
    signer_crop: bool = True  # paper: crop around the signer
    box: tuple[int, ...] = ()  # optional fixed square x0,y0,x1,y1 crop instead
    min_gap: int = 3  # frames between source and target, at least
    max_gap: int = 30  # and at most
    distance: float = 6.0  # BBC-Pose protocol: within 6 px of the original frame
    architecture: str = "paper"  # "paper", "cpu" or widths (presets.ARCHITECTURES)
    loss: str = "perceptual"  # paper Table 2 options
    loss_network: str = "vgg19"  # paper text: ImageNet VGG-19
    loss_weights: str = "imagenet"  # "imagenet", "torchvision" or a .weights.h5 path
    batch_size: int = 50  # reference code
    steps: int = 150_000  # reference schedule
    max_minutes: float | None = None  # optional time budget
    learning_rate: float = 1e-3  # reference code
    num_regression: int | None = None  # annotated training frames (all)
    num_test: int | None = None  # annotated test frames (all)
    run_eagerly: bool = False  # True: an uncompiled train step (debugging, tests)
    precision: str = "auto"  # "auto" (by hardware), "float32", "mixed_bfloat16"
    seed: int = 0  # data order and initialisation


def main(argv=None):
    config = parse_overrides(Config(), argv or [])
    require_folder(config.data_dir, "data_dir", EXPECTED)
    box = tuple(config.box) or None
    if box is not None and (len(box) != 4 or box[2] - box[0] != box[3] - box[1]):
        raise RecipeError(f"--box must be a square x0,y0,x1,y1. Received: {box}")
    if box is None and not config.signer_crop:
        print("Whole frames resized: --distance is measured in the model's frame.")
    elif box is None:
        box = "signer"
    with data_errors("data_dir", config.data_dir, EXPECTED):
        pairs = bbc_pose_pairs(
            config.data_dir,
            "train",
            config.image_size,
            box=box,
            seed=config.seed,
            min_gap=config.min_gap,
            max_gap=config.max_gap,
            num_pairs=ENDLESS,
            shuffle_videos=True,  # each batch from videos all over the set
        )
        check_pairs(pairs, "data_dir", config.data_dir, EXPECTED)
        joints = bbc_pose_splits(
            config.data_dir,
            config.image_size,
            config.num_regression,
            config.num_test,
            box=box,
            distance=config.distance,
        )
    result = run_recipe_from(config, pairs, [joints])
    add_results(result, distance_in_model_px=joints.distance)
    return result


if __name__ == "__main__":
    run_main(main)
