"""What each `keras-landmarks` sub-command does (library calls only)."""

import csv
import functools
import json
import math
import os
from pathlib import Path

import keras
import numpy as np

from keras_landmarks.data.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.video_files import VIDEO_EXTENSIONS

# `detect` reads images with PIL, which also reads WebP; videos with PyAV, as the
# training data readers do (VIDEO_EXTENSIONS).
IMAGE_SUFFIXES = (*IMAGE_EXTENSIONS, ".webp")
# The detector shipped in saved_models/ (see the README's serving section).
SHIPPED_MODEL = Path(__file__).resolve().parents[2] / "saved_models" / "synthetic_faces"
# Images the label-free measures of `train --curve-every` and `evaluate` use.
CURVE_IMAGES = 64
LABEL_FREE_IMAGES = 200


def demo(args):
    from keras_landmarks.precision import announce_precision
    from keras_landmarks.training.synthetic_faces_job import run_synthetic_faces

    announce_precision(args.precision)
    # Options left out keep the job's defaults (DEMO_IMAGE_SIZE, DEFAULT_CLUTTER).
    given = {
        "clutter": args.clutter,
        "image_size": args.image_size,
        "equivariance_weight": args.equivariance_weight,
        "curve_every": args.curve_every,
    }
    result = run_synthetic_faces(
        args.out,
        minutes=args.minutes,
        steps=args.steps,
        num_keypoints=args.num_keypoints,
        seed=args.seed,
        framing=args.framing,
        **{name: value for name, value in given.items() if value is not None},
    )
    print(f"\nTrained {result.steps} steps. Pictures and results.json: {args.out}")


def train(args):
    from keras_landmarks.data.sources import has_known_warp
    from keras_landmarks.data.sources import training_pairs
    from keras_landmarks.models.presets import CPU_BATCH_SIZE
    from keras_landmarks.models.presets import PAPER_BATCH_SIZE
    from keras_landmarks.models.presets import cpu_model
    from keras_landmarks.models.presets import cpu_optimizer
    from keras_landmarks.models.presets import make_reconstruction_loss
    from keras_landmarks.models.presets import paper_model
    from keras_landmarks.precision import announce_precision
    from keras_landmarks.training.learning_curve import CURVE_FILENAME
    from keras_landmarks.training.learning_curve import LearningCurve
    from keras_landmarks.training.learning_curve import label_free_measures
    from keras_landmarks.training.loop import first_pairs
    from keras_landmarks.training.run import run_and_evaluate

    if args.steps is None and args.minutes is None:
        raise ValueError("give --steps, --minutes or both to bound the run")
    equivariance = {}
    if args.equivariance_weight is not None:
        equivariance["equivariance_weight"] = args.equivariance_weight
    if not has_known_warp(args.data):
        if args.equivariance_weight:
            raise ValueError(
                "--equivariance-weight needs still images (each pair's warp is "
                f"known); {args.data} gives video frame pairs"
            )
        if args.preset == "cpu":
            print(
                "Video frame pairs carry no warp: training without the "
                "cpu preset's equivariance term."
            )
        equivariance["equivariance_weight"] = 0.0
    announce_precision(args.precision)
    keras.utils.set_random_seed(args.seed)
    if args.preset == "paper":
        loss = make_reconstruction_loss(
            args.loss or "perceptual", args.vgg, args.vgg_weights
        )
        model = paper_model(
            args.num_keypoints, reconstruction_loss=loss, **equivariance
        )
        model.compile()
        batch_size = args.batch_size or PAPER_BATCH_SIZE
    else:
        loss = make_reconstruction_loss(
            args.loss or "pixel_l2", args.vgg, args.vgg_weights
        )
        model = cpu_model(
            args.num_keypoints,
            reconstruction_loss=loss,
            **equivariance,
        )
        model.compile(optimizer=cpu_optimizer())
        batch_size = args.batch_size or CPU_BATCH_SIZE
    pairs = training_pairs(
        args.data,
        model.image_size[0],
        seed=args.seed,
        return_grid=model.equivariance_weight > 0,
    )
    callbacks = []
    if args.curve_every:
        # Label-free measures on the first targets (no annotations needed).
        sample = first_pairs(pairs, CURVE_IMAGES)["target"]
        callbacks.append(
            LearningCurve(
                functools.partial(label_free_measures, images=sample, seed=args.seed),
                args.curve_every,
                os.path.join(args.out, CURVE_FILENAME),
                log_dir=os.path.join(args.out, "logs", "curve"),
            )
        )
    # No annotations: `results.json` holds the run's steps, time and settings.
    settings = {k: v for k, v in vars(args).items() if k not in ("command", "backend")}
    run_and_evaluate(
        model,
        pairs,
        args.out,
        steps=args.steps,
        max_minutes=args.minutes,
        batch_size=batch_size,
        callbacks=callbacks,
        config={**settings, "batch_size": batch_size},
    )
    print(f"Model: {os.path.join(args.out, 'model.keras')}")


def evaluate(args):
    from keras_landmarks.data.labelled_splits import LabelledSplits
    from keras_landmarks.data.synthetic_faces import LANDMARK_NAMES
    from keras_landmarks.data.synthetic_faces import make_faces
    from keras_landmarks.export.detector import load_detector
    from keras_landmarks.training.learning_curve import label_free_measures
    from keras_landmarks.training.run import predict_points
    from keras_landmarks.training.run import score_evaluations
    from keras_landmarks.training.run import write_results

    model = load_detector(args.model)
    _check_regression_size(args.num_train, model.num_keypoints)
    size = model.image_size[0]
    images, landmarks = make_faces(
        args.num_train + args.num_test, size=size, seed=args.seed
    )
    images = images.astype("float32")
    n = args.num_train
    splits = LabelledSplits(
        images[:n],
        landmarks[:n],
        images[n:],
        landmarks[n:],
        landmark_names=LANDMARK_NAMES,
        name="synthetic_faces",
    )
    # The untrained baseline by the pipeline's rule: the same architecture
    # initialised from the seed.
    keras.utils.set_random_seed(args.seed)
    untrained = model.__class__.from_config(model.get_config())
    scores, _ = score_evaluations(
        [splits],
        [predict_points(model, splits.train_images, splits.test_images)],
        [predict_points(untrained, splits.train_images, splits.test_images)],
        size,
    )
    label_free = label_free_measures(
        model, splits.test_images[:LABEL_FREE_IMAGES], seed=args.seed
    )
    print(_format_label_free(label_free))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        write_results(
            args.out,
            {
                "backend": keras.backend.backend(),
                "model": args.model,
                **scores,
                "label_free": label_free,
            },
        )


def _check_regression_size(num_train, num_keypoints):
    # Each landmark coordinate is a linear map of the 2K keypoint coordinates
    # (no bias): with no more images than unknowns the fit reproduces the
    # training landmarks whatever the keypoints, and the test error means nothing.
    unknowns = 2 * num_keypoints
    if num_train <= unknowns:
        raise ValueError(
            f"--num-train {num_train} is too small: the regression fits "
            f"{unknowns} unknowns per landmark coordinate (2 x K={num_keypoints} "
            "keypoint coordinates), so it needs more training images than that: "
            f"give --num-train {unknowns + 1} at least (default 1000)"
        )


def _format_label_free(measures):
    """Lines of the label-free measures (`label_free_measures`) for the terminal."""
    per_keypoint = ", ".join(f"{v:.1f}" for v in measures["equivariance_per_keypoint"])
    lines = [
        "label-free (no annotations used), % of the image size, lower is better:",
        f"  equivariance error  {measures['equivariance_percent']:.2f} "
        f"(per keypoint: {per_keypoint})",
    ]
    if "geometry_follow_percent" in measures:
        lines.append(
            f"  geometry-follow     {measures['geometry_follow_percent']:.2f} "
            "(keypoints of a swapped reconstruction against its geometry image)"
        )
    return "\n".join(lines)


def _collect_inputs(inputs):
    images, videos = [], []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                suffix = child.suffix.lower()
                if suffix in IMAGE_SUFFIXES:
                    images.append(child)
                elif suffix in VIDEO_EXTENSIONS:
                    videos.append(child)
        elif path.suffix.lower() in VIDEO_EXTENSIONS:
            videos.append(path)
        elif path.suffix.lower() in IMAGE_SUFFIXES:
            images.append(path)
        else:
            raise ValueError(
                f"{path}: not an image ({', '.join(IMAGE_SUFFIXES)}) or a video "
                f"({', '.join(VIDEO_EXTENSIONS)})"
            )
    if not images and not videos:
        raise ValueError(f"no images or videos found in {', '.join(inputs)}")
    return images, videos


def _load_image(path):
    from PIL import Image
    from PIL import UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except (OSError, UnidentifiedImageError) as error:
        print(f"skipped unreadable image {path}: {error}")
        return None


def _resize(images, size):
    from PIL import Image

    return np.stack(
        [
            np.asarray(
                Image.fromarray(image).resize((size[1], size[0]), Image.BILINEAR),
                dtype="float32",
            )
            for image in images
        ]
    )


def _to_original_pixels(keypoints, model_size, original_size):
    # Pixel centres at integer coordinates on both grids.
    (mh, mw), (oh, ow) = model_size, original_size
    scale = np.array([(ow - 1) / (mw - 1), (oh - 1) / (mh - 1)], "float32")
    return keypoints * scale


def detect(args):
    from keras_landmarks.export.detector import load_detector

    model_path = args.model or str(SHIPPED_MODEL)
    if args.model is None and not SHIPPED_MODEL.exists():
        raise ValueError(
            f"no --model given and the shipped model is missing at {SHIPPED_MODEL}"
        )
    model = load_detector(model_path)
    images, videos = _collect_inputs(args.inputs)
    os.makedirs(args.out, exist_ok=True)
    records = []
    skipped = 0

    def run(name, frames, frame_indices):
        detections = model.predict_keypoints(_resize(frames, model.image_size))
        for frame, index, points in zip(
            frames, frame_indices, detections, strict=False
        ):
            points = _to_original_pixels(points, model.image_size, frame.shape[:2])
            records.append(
                {"input": name, "frame": index, "keypoints": points.tolist()}
            )
            if not args.no_pictures:
                _write_overlay(frame, points, args.out, name, index)

    for path in images:
        image = _load_image(path)
        if image is None:
            skipped += 1
            continue
        run(str(path), [image], [None])
    for path in videos:
        frames = _read_video(path, args.max_frames)
        if frames is None:
            skipped += 1
            continue
        run(str(path), list(frames), list(range(len(frames))))
    _write_records(records, args.out, args.format, model.num_keypoints)
    print(
        f"{len(records)} detections from {len(images) + len(videos) - skipped} "
        f"inputs ({skipped} unreadable, skipped) -> {args.out}"
    )


def _read_video(path, max_frames):
    import av

    try:
        frames = []
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                frames.append(frame.to_ndarray(format="rgb24"))
                if len(frames) >= max_frames:
                    break
        return np.stack(frames) if frames else None
    except (av.FFmpegError, OSError) as error:
        print(f"skipped unreadable video {path}: {error}")
        return None


def _write_overlay(frame, points, out, name, index):
    from keras_landmarks.visualization import draw_keypoints
    from keras_landmarks.visualization import save_png

    stem = Path(name).stem + ("" if index is None else f"_{index:05d}")
    save_png(draw_keypoints(frame, points), os.path.join(out, f"{stem}.png"))


def _write_records(records, out, fmt, num_keypoints):
    if fmt == "json":
        detections = [
            {**record, "keypoints": _finite_or_null(record["keypoints"])}
            for record in records
        ]
        with open(os.path.join(out, "keypoints.json"), "w") as f:
            json.dump(
                {
                    "format": "pixel (x, y) of the input image; null: not finite",
                    "detections": detections,
                },
                f,
                indent=1,
                allow_nan=False,
            )
        return
    with open(os.path.join(out, "keypoints.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        header = ["input", "frame"]
        for k in range(num_keypoints):
            header += [f"x{k}", f"y{k}"]
        writer.writerow(header)
        for record in records:
            row = [record["input"], "" if record["frame"] is None else record["frame"]]
            for x, y in record["keypoints"]:
                row += [f"{x:.2f}", f"{y:.2f}"]
            writer.writerow(row)


def _finite_or_null(points):
    # JSON has no NaN or Infinity (json.dump would write them, invalid): a
    # coordinate the model could not place is null.
    return [[v if math.isfinite(v) else None for v in point] for point in points]


def visualize(args):
    from keras_landmarks.data.sources import training_pairs
    from keras_landmarks.export.detector import load_detector
    from keras_landmarks.training.learning_curve import label_free_measures
    from keras_landmarks.training.loop import first_pairs
    from keras_landmarks.visualization import keypoint_bars
    from keras_landmarks.visualization import model_pictures
    from keras_landmarks.visualization import save_png

    model = load_detector(args.model)
    if not hasattr(model, "generator"):
        raise ValueError("visualize needs a .keras LandmarkModel (not a SavedModel)")
    # One read of the data: the first 8 pairs for the pictures, the targets of
    # the first CURVE_IMAGES for the label-free measures.
    pairs = first_pairs(
        training_pairs(args.data, model.image_size[0], args.seed), CURVE_IMAGES
    )
    written = model_pictures(model, {k: v[:8] for k, v in pairs.items()}, args.out)
    measures = label_free_measures(model, pairs["target"], seed=args.seed)
    print(_format_label_free(measures))
    picture = keypoint_bars(
        measures["equivariance_per_keypoint"],
        "equivariance error per keypoint (label-free)",
        "% of the image size",
        reference=measures["equivariance_percent"],
    )
    written.append(save_png(picture, os.path.join(args.out, "equivariance.png")))
    for path in written:
        print(path)


def export(args):
    from keras_landmarks.export.detector import load_detector
    from keras_landmarks.export.saved_model import export_saved_model

    model = load_detector(args.model)
    path = export_saved_model(model, args.out, args.version, args.overwrite)
    print(f"SavedModel written to {path}")
    base = Path(args.out).resolve()
    print(
        "Serve it with: tensorflow_model_server --rest_api_port=8501 "
        f"--model_name={base.name} --model_base_path={base}"
    )
