"""Learning curves of the main job's configuration, and comparisons of several.

`run` trains the demo's configuration (synthetic faces, the CPU preset; any
option below overrides one setting) for a step budget and measures the model
every `--every` steps at fixed seeds: error / mean-shape error (the paper's
protocol), each part's median distance to its best keypoint (% of the
inter-ocular distance), the equivariance and geometry-follow errors (% of the
image size), steps and training seconds. It writes `learning_curve.json`,
`results.json` and `learning_curve.png` into `--out`.

    KERAS_BACKEND=tensorflow python benchmarks/learning_curve.py run \\
        --out runs/curves/base --steps 3000 --every 500
    KERAS_BACKEND=tensorflow python benchmarks/learning_curve.py run \\
        --out runs/curves/noeq --steps 3000 --every 500 --equivariance-weight 0
    python benchmarks/learning_curve.py compare runs/curves/base runs/curves/noeq \\
        --out runs/curves/compare.png

`compare` plots the runs' error / mean shape against steps in one picture and
prints a table (one row per run, one column per measured step). Runs on the
same machine sharing the cores slow each other: compare steps, not seconds.
"""

import argparse
import json
import os
import sys

CURVE_FILENAME = "learning_curve.json"
# Reference lines of `pose_oracle_predictions`, as the plots label them.
ORACLE_LABELS = {
    "translation": "knows only the position",
    "similarity": "knows only the pose",
}


def _parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    run = verbs.add_parser("run", help="train one configuration, measuring it")
    run.add_argument("--out", required=True, help="run folder (resumes if present)")
    run.add_argument("--steps", type=int, default=3000)
    run.add_argument("--every", type=int, default=500, help="steps between points")
    run.add_argument("--minutes", type=float, default=600.0, help="time bound")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--framing", default=None, help="loose (default) or aligned")
    run.add_argument("--image-size", type=int, default=None)
    run.add_argument("--clutter", type=float, default=None)
    run.add_argument("--num-keypoints", type=int, default=10)
    run.add_argument("--num-train", type=int, default=None)
    run.add_argument("--num-regression", type=int, default=None)
    run.add_argument("--num-test", type=int, default=None)
    run.add_argument("--batch-size", type=int, default=None)
    run.add_argument("--learning-rate", type=float, default=None)
    run.add_argument(
        "--warmup-steps",
        type=int,
        default=0,
        help="raise the learning rate linearly from 0 over these steps (0: none)",
    )
    run.add_argument(
        "--equivariance-weight", type=float, default=None, help="default: preset's"
    )
    run.add_argument("--gaussian-std", type=float, default=None)
    run.add_argument("--kernel-initializer", default=None, help="e.g. he_normal")
    for name, example in (
        ("encoder-filters", "16,16,32,32,64,64"),
        ("encoder-strides", "1,1,2,1,2,1"),
        ("generator-filters", "64,32,16"),
    ):
        run.add_argument(
            f"--{name}",
            type=_int_tuple,
            default=None,
            help=f"comma-separated ints (the CPU preset's: {example})",
        )
    run.add_argument("--batch-norm-momentum", type=float, default=None)
    run.add_argument(
        "--appearance-pooling",
        choices=("global", "spatial"),
        default=None,
        help="global: a code averaged over space (the preset's); spatial: the "
        "reference's map",
    )
    run.add_argument(
        "--source-warp-scale",
        type=float,
        default=1.0,
        help="multiply every std of the reference source warp (1)",
    )
    run.add_argument(
        "--padding",
        choices=("zeros", "border"),
        default="zeros",
        help="what the warps show outside the image: zeros (the reference's) "
        "or the border colour",
    )
    run.add_argument(
        "--loss",
        default="pixel_l2",
        help="pixel_l2 (default), pixel_l1, or vgg16:LAYER,LAYER (frozen "
        "ImageNet VGG-16 features, e.g. vgg16:input,conv1_2,conv2_2)",
    )
    run.add_argument("--precision", default="auto")
    compare = verbs.add_parser("compare", help="plot several runs in one picture")
    compare.add_argument("runs", nargs="+", help="run folders")
    compare.add_argument("--out", required=True, help="PNG to write")
    compare.add_argument(
        "--measure", default="ratio", help="record key to plot (default ratio)"
    )
    compare.add_argument("--title", default="Learning curve", help="plot title")
    return parser


def _int_tuple(text):
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, e.g. 1,1,2,1. Received: {text!r}"
        ) from None


def _reconstruction_loss(spec):
    from keras_landmarks.losses import PerceptualLoss
    from keras_landmarks.models.presets import make_reconstruction_loss

    if spec.startswith("vgg16:"):
        layers = tuple(spec.split(":", 1)[1].split(","))
        return PerceptualLoss(
            network="vgg16",
            weights="torchvision",
            layers=layers,
            name="reconstruction_loss",
        )
    return make_reconstruction_loss(spec)


def run(args):
    import keras

    from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
    from keras_landmarks.data.ops.thin_plate_spline import TpsWarpStrength
    from keras_landmarks.models.presets import CPU_LEARNING_RATE
    from keras_landmarks.models.presets import cpu_model
    from keras_landmarks.models.presets import cpu_optimizer
    from keras_landmarks.precision import announce_precision
    from keras_landmarks.training import synthetic_faces_job as job

    announce_precision(args.precision)
    k = args.source_warp_scale
    source_warp = TpsWarpStrength(
        SOURCE_WARP.rotation_std * k,
        SOURCE_WARP.scale_std * k,
        SOURCE_WARP.translation_std * k,
        tuple(v * k for v in SOURCE_WARP.warp_std),
    )
    image_size = args.image_size or job.DEMO_IMAGE_SIZE
    overrides = {"image_size": image_size}
    for name in (
        "encoder_filters",
        "encoder_strides",
        "generator_filters",
        "gaussian_std",
        "kernel_initializer",
        "batch_norm_momentum",
        "equivariance_weight",
    ):
        if getattr(args, name) is not None:
            overrides[name] = getattr(args, name)
    if args.appearance_pooling is not None:
        overrides["appearance_pooling"] = (
            None if args.appearance_pooling == "spatial" else args.appearance_pooling
        )
    keras.utils.set_random_seed(args.seed)
    model = cpu_model(
        args.num_keypoints,
        reconstruction_loss=_reconstruction_loss(args.loss),
        **overrides,
    )
    learning_rate = (
        CPU_LEARNING_RATE if args.learning_rate is None else args.learning_rate
    )
    if args.warmup_steps:
        # A cosine "decay" with alpha 1 stays at its target after the warm-up.
        learning_rate = keras.optimizers.schedules.CosineDecay(
            0.0,
            decay_steps=1,
            alpha=1.0,
            warmup_target=learning_rate,
            warmup_steps=args.warmup_steps,
        )
    optimizer = cpu_optimizer(learning_rate)
    model.compile(optimizer=optimizer)
    options = {
        key: value
        for key, value in (
            ("framing", args.framing),
            ("clutter", args.clutter),
            ("batch_size", args.batch_size),
            ("num_train", args.num_train),
            ("num_regression", args.num_regression),
            ("num_test", args.num_test),
        )
        if value is not None
    }
    job.run_synthetic_faces(
        args.out,
        minutes=args.minutes,
        steps=args.steps,
        num_keypoints=args.num_keypoints,
        image_size=image_size,
        seed=args.seed,
        model=model,
        curve_every=args.every,
        source_warp=source_warp,
        padding=args.padding,
        verbose=2,
        **options,
    )
    with open(os.path.join(args.out, "run_options.json"), "w") as f:
        json.dump(vars(args), f, indent=2)
    _plot(
        {os.path.basename(os.path.normpath(args.out)): args.out},
        "ratio",
        os.path.join(args.out, "learning_curve.png"),
    )


def _records(run_dir):
    with open(os.path.join(run_dir, CURVE_FILENAME)) as f:
        return json.load(f)["records"]


def _plot(runs, measure, path, title="Learning curve"):
    from keras_landmarks.visualization import learning_curve_plot
    from keras_landmarks.visualization import save_png

    curves = {}
    for name, run_dir in runs.items():
        records = [r for r in _records(run_dir) if measure in r]
        curves[name] = ([r["step"] for r in records], [r[measure] for r in records])
    baselines = None
    if measure == "ratio":
        # The pose oracles depend only on the data: take them from any record.
        first = next(iter(_records(next(iter(runs.values())))), {})
        baselines = {"mean shape": 1.0}
        for transform, label in ORACLE_LABELS.items():
            if f"{transform}_oracle_ratio" in first:
                baselines[label] = first[f"{transform}_oracle_ratio"]
    label = "error / mean-shape error" if measure == "ratio" else measure
    picture = learning_curve_plot(
        curves, baselines=baselines, ylabel=label, title=title
    )
    print(save_png(picture, path))


def compare(args):
    runs = {os.path.basename(os.path.normpath(r)): r for r in args.runs}
    steps = sorted({r["step"] for run_dir in runs.values() for r in _records(run_dir)})
    print("| run | " + " | ".join(str(s) for s in steps) + " |")
    print("|---|" + "---|" * len(steps))
    for name, run_dir in runs.items():
        by_step = {r["step"]: r.get(args.measure) for r in _records(run_dir)}
        cells = ["" if by_step.get(s) is None else f"{by_step[s]:.3g}" for s in steps]
        print(f"| {name} | " + " | ".join(cells) + " |")
    _plot(runs, args.measure, args.out, args.title)


def main(argv=None):
    args = _parser().parse_args(argv)
    {"run": run, "compare": compare}[args.verb](args)


if __name__ == "__main__":
    sys.exit(main())
