"""The command line of `keras-landmarks`: every command, option and help text."""

import argparse

from keras_landmarks.cli.argument_types import demo_image_size
from keras_landmarks.cli.argument_types import existing_path
from keras_landmarks.cli.argument_types import eye_pair
from keras_landmarks.cli.argument_types import non_negative_float
from keras_landmarks.cli.argument_types import non_negative_int
from keras_landmarks.cli.argument_types import positive_float
from keras_landmarks.cli.argument_types import positive_int
from keras_landmarks.cli.argument_types import unit_float

BACKENDS = ("tensorflow", "jax", "torch")

DESCRIPTION = """\
Unsupervised object landmarks through conditional image generation
(Jakab, Gupta, Bilen, Vedaldi, NeurIPS 2018) on Keras 3.

A detector learns K landmarks without labels: it must squeeze a target image
through K 2-D points so that a generator can redraw the target from those
points and the appearance of a second image of the same object.

Start here:
  keras-landmarks demo                      # synthetic faces: train, evaluate, pictures
  keras-landmarks detect photo.jpg          # keypoints with the shipped preset
  keras-landmarks train --data images:DIR --out runs/mine --minutes 30
  keras-landmarks evaluate --model runs/mine/model.keras --data landmarks:FILE
  keras-landmarks export --model runs/mine/model.keras --out saved_models/mine

Every command takes --help.
"""

DATA_HELP = """\
where the training images come from:
  synthetic-faces       faces drawn on the fly, with 5 ground-truth landmarks
  images:DIR            a folder of images (thin-plate-spline pairs)
  videos:DIR            a folder of video files (frame pairs, videos mixed
                        in each batch)
  frames:DIR            a folder with one sub-folder of frames per video

Your images and frames keep their aspect ratio (--fit); --boxes crops each
image to its object first. Fine-tune a trained model with --init-from."""


def _add_model_or_preset(parser):
    """`--model FILE.keras` or `--preset NAME|PATH`, exactly one."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--model",
        type=existing_path,
        help="a .keras LandmarkModel (not a SavedModel)",
    )
    source.add_argument(
        "--preset",
        help="a shipped preset's name (e.g. synthetic_faces; "
        "keras_landmarks.presets.list() lists them) or a preset folder",
    )


def _add_precision(parser):
    parser.add_argument(
        "--precision",
        choices=("auto", "float32", "mixed_bfloat16", "mixed_float16"),
        default="auto",
        help="auto (default): mixed_bfloat16 on GPUs/TPUs that support it and "
        "on CPUs with AMX-BF16 under TensorFlow (no XLA) or PyTorch eager, "
        "float32 elsewhere; the run prints what it chose and why",
    )


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-landmarks",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        help="Keras backend (default: $KERAS_BACKEND, else tensorflow). Must be "
        "chosen before Keras is imported, which this flag does for you.",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of an error (also KERAS_LANDMARKS_DEBUG=1); "
        "by default an expected failure (bad input, unreadable or unwritable "
        "file) prints one line and exits with code 2",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    _add_demo(commands)
    _add_train(commands)
    _add_evaluate(commands)
    _add_detect(commands)
    _add_visualize(commands)
    _add_export(commands)
    return parser


def _add_demo(commands):
    """`demo`: the README's main job on synthetic faces."""
    demo = commands.add_parser(
        "demo",
        help="train on synthetic faces, evaluate, write pictures (about 11 min)",
        description="The README's main job: draws synthetic faces with 5 known "
        "landmarks, trains the CPU configuration on thin-plate-spline pairs for "
        "--minutes, then fits the paper's linear regressor from the K keypoints "
        "to the landmarks and prints the error in % of the inter-ocular "
        "distance next to two baselines (mean shape; untrained detector). "
        "Pictures and results.json go to --out. Re-running with the same --out "
        "resumes an interrupted run.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--out", default="runs/demo", help="output folder (runs/demo)")
    demo.add_argument(
        "--minutes", type=positive_float, default=10.0, help="training time (10)"
    )
    demo.add_argument("--steps", type=positive_int, help="stop after this many steps")
    demo.add_argument("--num-keypoints", type=positive_int, default=10, help="K (10)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument(
        "--framing",
        choices=("loose", "aligned"),
        default="loose",
        help="pose spread of the faces (loose): rotation +-20, shift +-9 %%, small "
        "faces; aligned: tight crops, rotation +-15, shift +-6 %%. The mean-shape "
        "baseline depends on it: compare errors as fractions of it",
    )
    demo.add_argument(
        "--clutter",
        type=unit_float,
        help="contrast of the background clutter, 0 (plain) to 1 (full) (0.5)",
    )
    demo.add_argument(
        "--image-size",
        type=demo_image_size,
        help="side of the square faces in pixels, a multiple of 4, at least 32 (48)",
    )
    demo.add_argument(
        "--equivariance-weight",
        type=non_negative_float,
        help="weight of the equivariance term (not in the paper; measured in "
        "docs/learning.md); 0 turns it off (1e4, the cpu preset's)",
    )
    demo.add_argument(
        "--curve-every",
        type=positive_int,
        help="measure the model every N steps (error / mean shape, keypoint-to-"
        "part distances, label-free measures) into OUT/learning_curve.json",
    )
    _add_precision(demo)


def _add_train(commands):
    """`train`: training on your images or videos."""
    train = commands.add_parser(
        "train",
        help="train a detector on your images or videos",
        description="Trains a LandmarkModel and writes RUN_DIR/model.keras, "
        "RUN_DIR/results.json (steps, training time, settings), checkpoints "
        "(an interrupted run resumes when started again with the same "
        "--out), TensorBoard logs (RUN_DIR/logs) and pictures (RUN_DIR/pictures).",
        epilog=DATA_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("--data", required=True, help="see below")
    train.add_argument("--out", required=True, help="run folder")
    train.add_argument(
        "--preset",
        choices=("cpu", "paper"),
        default="cpu",
        help="cpu: 64x64, narrow networks, pixel loss (default). paper: the "
        "reference architecture at 128x128 with the perceptual loss (needs a GPU "
        "for useful speed)",
    )
    train.add_argument(
        "--num-keypoints", type=positive_int, help="K (10; with --init-from: its K)"
    )
    train.add_argument(
        "--image-size",
        type=positive_int,
        help="side of the square training images (the preset's: cpu 64, paper "
        "128; with --init-from: the model's)",
    )
    train.add_argument(
        "--learning-rate",
        type=positive_float,
        help="Adam's learning rate (the preset's; with --init-from: the saved one)",
    )
    train.add_argument(
        "--init-from",
        metavar="MODEL",
        help="fine-tune this .keras model (its weights, and its optimizer state "
        "when it has one) or preset (a name from `kl.presets.list()` or a "
        "preset folder) instead of starting from random weights; --steps "
        "then counts the steps of this run",
    )
    train.add_argument(
        "--fit",
        choices=("crop", "pad"),
        help="keep each image's aspect ratio: crop its centre (default) or pad "
        "it with black bands",
    )
    train.add_argument(
        "--boxes",
        type=existing_path,
        help="images:DIR only: a .csv (file,x0,y0,x1,y1) or .json ({file: [x0, "
        "y0, x1, y1]}) of object boxes, cropped before resizing",
    )
    train.add_argument(
        "--min-gap", type=positive_int, help="video pairs: smallest frame gap (3)"
    )
    train.add_argument(
        "--max-gap", type=positive_int, help="video pairs: largest frame gap (30)"
    )
    train.add_argument("--steps", type=positive_int, help="total steps")
    train.add_argument("--minutes", type=positive_float, help="total training time")
    train.add_argument("--batch-size", type=positive_int, help="default by preset")
    train.add_argument(
        "--loss",
        choices=("perceptual", "pixel_l2", "pixel_l1"),
        help="reconstruction loss (cpu: pixel_l2, paper: perceptual)",
    )
    train.add_argument(
        "--vgg", choices=("vgg19", "vgg16"), default="vgg19", help="loss network"
    )
    train.add_argument(
        "--vgg-weights",
        default="imagenet",
        help="imagenet (Keras download), torchvision (offline VGG-16: run "
        "`python -m keras_landmarks.pretrained.vgg_weights` once) or a "
        ".weights.h5 path",
    )
    train.add_argument("--seed", type=int, default=0)
    train.add_argument(
        "--equivariance-weight",
        type=non_negative_float,
        help="weight of the equivariance term (not in the paper; video pairs "
        "get it through a warped copy of the target); 0 turns it off (cpu "
        "preset: 1e4, measured in docs/learning.md; paper preset: 0)",
    )
    train.add_argument(
        "--curve-every",
        type=non_negative_int,
        default=500,
        help="steps between label-free measurements (equivariance, geometry-"
        "follow) written to RUN_DIR/learning_curve.json and TensorBoard; 0: none "
        "(500)",
    )
    _add_precision(train)


def _add_evaluate(commands):
    """`evaluate`: the paper's evaluation of a trained model."""
    evaluate = commands.add_parser(
        "evaluate",
        help="the paper's evaluation of a trained model, on your annotations too",
        description="Fits least squares without bias from the model's keypoints "
        "to annotated landmarks on a regression split and reports the test error "
        "beside the mean-shape and untrained-detector baselines, the sample-"
        "efficiency curve (error against annotated images) and the label-free "
        "measures of both detectors. Missing points (NaN) are left out. With "
        "--out: results.json, regression.png (regressed, red, against annotated "
        "points, green) and sample_efficiency.png.",
        epilog="evaluation data:\n"
        "  synthetic-faces   faces drawn from --seed with their 5 landmarks\n"
        "  landmarks:FILE    your annotations: FILE.csv, rows file,x0,y0,x1,y1,...\n"
        "                    (an optional header names the points) or FILE.json\n"
        '                    {"img.jpg": [[x, y], null, ...]}; paths relative to\n'
        "                    FILE; empty, nan or null for a missing point\n"
        "  mafl:DIR          MAFL in the CelebA folder (paper splits)\n"
        "  aflw:DIR          AFLW (paper splits)\n"
        "  bbcpose:DIR       BBC-Pose (train frames regress, test frames score)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_model_or_preset(evaluate)
    evaluate.add_argument(
        "--data",
        default="synthetic-faces",
        help="labelled evaluation data, see below (synthetic-faces)",
    )
    evaluate.add_argument(
        "--num-train",
        type=positive_int,
        help="images the regression is fitted on; more than 2K (synthetic "
        "faces: 1000; a landmarks file: 3/4 of its images; a dataset: its split)",
    )
    evaluate.add_argument(
        "--num-test",
        type=positive_int,
        help="test images (synthetic faces: 500; otherwise the rest, or the split)",
    )
    evaluate.add_argument(
        "--eyes",
        type=eye_pair,
        metavar="I,J",
        help="normalise errors by the distance of points I and J (the inter-"
        "ocular distance; synthetic faces, MAFL and AFLW: 0,1); without it, by "
        "the image side",
    )
    evaluate.add_argument(
        "--within",
        type=positive_float,
        metavar="PIXELS",
        help="also report the %% of points within PIXELS of the annotation, in "
        "pixels of the model's input image (BBC-Pose: 6)",
    )
    evaluate.add_argument(
        "--matched",
        action="store_true",
        help="also score the raw keypoints, each landmark paired with one "
        "distinct keypoint by Hungarian matching on the regression images (not "
        "a paper protocol: the paper reports regressed errors only)",
    )
    evaluate.add_argument(
        "--fit",
        choices=("crop", "pad"),
        help="landmarks:FILE: keep each image's aspect ratio by cropping its "
        "centre (default) or padding it",
    )
    evaluate.add_argument(
        "--boxes",
        type=existing_path,
        help="landmarks:FILE: a .csv or .json of object boxes (file,x0,y0,x1,y1), "
        "cropped before resizing",
    )
    evaluate.add_argument("--seed", type=int, default=100)
    evaluate.add_argument(
        "--out", help="folder for results.json (the scores and the label-free measures)"
    )


def _add_detect(commands):
    """`detect`: keypoints of images, folders and videos."""
    detect = commands.add_parser(
        "detect",
        help="keypoints of images, a folder or a video",
        description="Writes keypoints (pixel x, y of the input image) to "
        "OUT/keypoints.json or .csv, and an overlay picture per image named after "
        "the input's relative path (OUT/a/face.jpg.png). A video is tracked a "
        "batch of frames at a time (constant memory for any length): "
        "OUT/clip.mp4.keypoints.csv (or .jsonl with --format json) has a row per "
        "frame and keypoint and grows as the video goes, so an interruption keeps "
        "the frames done; OUT/clip.mp4.overlay.mp4 shows the keypoints on every "
        "frame and OUT/clip.mp4.tracks.png their trails and x, y against the "
        "frame index. --smooth filters each keypoint's x and y along time with "
        "SciPy: savgol = scipy.signal.savgol_filter (a polynomial of degree "
        "--smooth-order, default 2, fitted to --smooth-window frames, default 9, "
        "mode 'interp' at the ends); gaussian = scipy.ndimage.gaussian_filter1d "
        "(--smooth-sigma frames, default 2, kernel to 4 sigma, mode 'nearest'). "
        "The filter runs over a sliding window, so each frame is written when "
        "its window is complete (half a window later) and the result equals the "
        "filter on the whole track; the rows then also hold x_smoothed, "
        "y_smoothed and the overlay shows the smoothed points. A coordinate that "
        "is not finite is null in JSON and an empty cell in CSV. An input that "
        "cannot be read is skipped, said on stderr and listed with its reason "
        '(JSON: "skipped"; CSV: the last column); the records are rewritten as '
        "the run goes, atomically. Exit code 2 when no input could be read.\n\n"
        "Trust: a SavedModel is a program, not data. Loading one runs its "
        "graph, which can read and write your files: one loads only with "
        "--trust-saved-model. A .keras file or a preset (the default detector "
        "is the shipped preset synthetic_faces) loads in Keras' safe mode (no "
        "code runs) and needs no flag.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    detect.add_argument(
        "inputs", nargs="+", type=existing_path, help="image files, folders, videos"
    )
    detector = detect.add_mutually_exclusive_group()
    detector.add_argument(
        "--model",
        help="a .keras file or a SavedModel folder. A SavedModel needs "
        "--trust-saved-model",
    )
    detector.add_argument(
        "--preset",
        default="synthetic_faces",
        help="a shipped preset's name or a preset folder, used when no --model "
        "is given (synthetic_faces)",
    )
    detect.add_argument(
        "--trust-saved-model",
        action="store_true",
        help="load the SavedModel given as --model: it is a program that runs "
        "with your rights; only for models from a source you trust",
    )
    detect.add_argument("--out", default="detections", help="output folder")
    detect.add_argument(
        "--fit",
        choices=("crop", "pad", "stretch"),
        default="crop",
        help="how each image and frame is framed for the detector: its centre "
        "at the model's aspect ratio (crop, default: as `train` frames them), "
        "the whole input with black bands (pad) or the whole input squeezed "
        "(stretch); keypoints are written in the input's pixels either way",
    )
    detect.add_argument("--format", choices=("json", "csv"), default="json")
    detect.add_argument(
        "--no-pictures", action="store_true", help="skip the overlay pictures"
    )
    detect.add_argument(
        "--max-frames", type=positive_int, help="per video (default: all frames)"
    )
    detect.add_argument(
        "--smooth",
        choices=("savgol", "gaussian"),
        help="smooth video tracks along time (default: no smoothing)",
    )
    detect.add_argument(
        "--smooth-window",
        type=positive_int,
        help="savgol: window length in frames, odd (9)",
    )
    detect.add_argument(
        "--smooth-order", type=non_negative_int, help="savgol: polynomial degree (2)"
    )
    detect.add_argument(
        "--smooth-sigma",
        type=positive_float,
        help="gaussian: standard deviation in frames (2)",
    )


def _add_visualize(commands):
    """`visualize`: pictures of what a trained model does."""
    visualize = commands.add_parser(
        "visualize",
        help="pictures of what a trained model does",
        description="Quadruplets (source, target, reconstruction, keypoints), "
        "heatmaps with their 1-D distributions and an appearance/geometry swap "
        "grid, on synthetic faces or a folder of images.",
    )
    _add_model_or_preset(visualize)
    visualize.add_argument(
        "--data", default="synthetic-faces", help="synthetic-faces or images:DIR"
    )
    visualize.add_argument("--out", default="pictures", help="output folder")
    visualize.add_argument("--seed", type=int, default=0)


def _add_export(commands):
    """`export`: a SavedModel for TensorFlow Serving."""
    export = commands.add_parser(
        "export",
        help="write a SavedModel for TensorFlow Serving",
        description="Writes OUT/<version>/ with a serving_default signature "
        "(images -> keypoints, heatmaps) and a reconstruct signature. The "
        "version is written into a hidden temporary folder in OUT and renamed "
        "into place, so TF Serving never sees a half-written model; with "
        "--overwrite the old version is replaced whole (no stale files).",
    )
    _add_model_or_preset(export)
    export.add_argument(
        "--out", required=True, help="model folder, e.g. saved_models/faces"
    )
    export.add_argument("--version", type=positive_int, help="default: next free")
    export.add_argument("--overwrite", action="store_true")
