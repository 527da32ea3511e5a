"""What each `keras-landmarks` sub-command does (library calls only)."""

import csv
import functools
import json
import math
import os
import sys
from pathlib import Path

import keras
import numpy as np

from keras_landmarks.atomic_write import replace_atomically
from keras_landmarks.data.files.image_files import IMAGE_EXTENSIONS
from keras_landmarks.data.files.video_files import VIDEO_EXTENSIONS
from keras_landmarks.data.files.video_files import decode_leading_frames

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

    output_folder(args.out)
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
        if args.preset == "cpu" and not args.init_from:
            print(
                "Video frame pairs carry no warp: training without the "
                "cpu preset's equivariance term."
            )
        equivariance["equivariance_weight"] = 0.0
    announce_precision(args.precision)
    keras.utils.set_random_seed(args.seed)
    if args.init_from:
        model = _model_to_fine_tune(args, equivariance)
    else:
        model = _preset_model(args, equivariance)
    batch_size = args.batch_size or (
        PAPER_BATCH_SIZE if args.preset == "paper" else CPU_BATCH_SIZE
    )
    options = {"fit": args.fit, "boxes": args.boxes}
    options.update(min_gap=args.min_gap, max_gap=args.max_gap)
    pairs = training_pairs(
        args.data,
        model.image_size[0],
        seed=args.seed,
        return_grid=model.equivariance_weight > 0,
        **{name: value for name, value in options.items() if value is not None},
    )
    output_folder(args.out)
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
    # A fine-tuned model has made steps already: --steps counts this run's.
    steps = args.steps
    if steps is not None:
        steps += int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    # No annotations: `results.json` holds the run's steps, time and settings.
    settings = {k: v for k, v in vars(args).items() if k not in ("command", "backend")}
    run_and_evaluate(
        model,
        pairs,
        args.out,
        steps=steps,
        max_minutes=args.minutes,
        batch_size=batch_size,
        callbacks=callbacks,
        config={**settings, "batch_size": batch_size},
    )
    print(f"Model: {os.path.join(args.out, 'model.keras')}")


def _preset_model(args, equivariance):
    """A new model of `args.preset`, compiled; options left out keep its defaults."""
    from keras_landmarks.models.optimizer import reference_optimizer
    from keras_landmarks.models.presets import cpu_model
    from keras_landmarks.models.presets import cpu_optimizer
    from keras_landmarks.models.presets import make_reconstruction_loss
    from keras_landmarks.models.presets import paper_model

    paper = args.preset == "paper"
    loss = make_reconstruction_loss(
        args.loss or ("perceptual" if paper else "pixel_l2"), args.vgg, args.vgg_weights
    )
    given = {"num_keypoints": args.num_keypoints, "image_size": args.image_size}
    given = {name: value for name, value in given.items() if value is not None}
    make_model, make_optimizer = (
        (paper_model, reference_optimizer) if paper else (cpu_model, cpu_optimizer)
    )
    model = make_model(reconstruction_loss=loss, **given, **equivariance)
    rate = {} if args.learning_rate is None else {"learning_rate": args.learning_rate}
    model.compile(optimizer=make_optimizer(**rate))
    return model


def _model_to_fine_tune(args, equivariance):
    """The `--init-from` model, checked against the options given with it."""
    from keras_landmarks.models.optimizer import reference_optimizer
    from keras_landmarks.models.presets import cpu_optimizer
    from keras_landmarks.training.fine_tuning import model_to_fine_tune

    make_optimizer = reference_optimizer if args.preset == "paper" else cpu_optimizer
    model = model_to_fine_tune(args.init_from, make_optimizer, args.learning_rate)
    found = {"num_keypoints": model.num_keypoints, "image_size": model.image_size[0]}
    for name, value in found.items():
        given = getattr(args, name)
        if given is not None and given != value:
            flag = "--" + name.replace("_", "-")
            raise ValueError(
                f"{flag} {given} differs from the model in {args.init_from} "
                f"({name}={value}); leave {flag} out to fine-tune it"
            )
    if model.equivariance_weight > 0 and equivariance.get("equivariance_weight") == 0:
        raise ValueError(
            f"{args.init_from} was trained with an equivariance term "
            f"(weight {model.equivariance_weight}), which needs still-image pairs; "
            f"{args.data} gives video frame pairs"
        )
    return model


def evaluate(args):
    from keras_landmarks.data.evaluation_sources import evaluation_splits
    from keras_landmarks.export.detector import load_landmark_model
    from keras_landmarks.training.model_evaluation import evaluate_model

    model = load_landmark_model(args.model)
    if args.out:
        output_folder(args.out)  # before the work, not after
    if args.num_train is not None:
        _check_regression_size(args.num_train, model.num_keypoints)
    framing = {"fit": args.fit, "boxes": args.boxes}
    splits = evaluation_splits(
        args.data,
        model.image_size[0],
        args.num_train,
        args.num_test,
        seed=args.seed,
        **{name: value for name, value in framing.items() if value is not None},
    )
    evaluate_model(
        model,
        splits,
        args.out,
        seed=args.seed,
        eyes=args.eyes,
        within=args.within,
        details={"model": args.model, "data": args.data},
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


def _collect_inputs(inputs):
    """`(name, path, kind)` per input file; kind "image", "video" or None.

    `name` is the path relative to the folder holding all the inputs, so two
    files with one stem (a/face.jpg, a/face.png, b/face.jpg) get distinct
    names and overlays. A file given by name whose suffix is neither an image
    nor a video has kind None: `detect` skips it with a reason.
    """
    found, seen = [], set()
    for item in inputs:
        path = Path(item)
        children = sorted(path.rglob("*")) if path.is_dir() else [path]
        for child in children:
            suffix = child.suffix.lower()
            kind = (
                "image"
                if suffix in IMAGE_SUFFIXES
                else "video"
                if suffix in VIDEO_EXTENSIONS
                else None
            )
            if (kind is None and child is not path) or child.is_dir():
                continue  # other files in a folder are not inputs
            if child.resolve() not in seen:
                seen.add(child.resolve())
                found.append((child, kind))
    if not found:
        raise ValueError(f"no images or videos found in {', '.join(inputs)}")
    base = os.path.commonpath(
        [os.path.dirname(os.path.abspath(item.rstrip("/\\") or "/")) for item in inputs]
    )
    return [
        (os.path.relpath(os.path.abspath(path), base), path, kind)
        for path, kind in found
    ]


# Pillow's modes for one 16-bit (or wider integer) channel: PNG and TIFF grey.
_WIDE_GREY_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N")


def _load_image(path):
    """RGB uint8 of an image file, read as the training pipeline reads it.

    16-bit grey keeps its high byte, as `tf.io.decode_image` does for
    training (Pillow's `convert("RGB")` would clip it to white).

    Raises:
        OSError, ValueError, PIL.Image.DecompressionBombError: unreadable.
    """
    from PIL import Image

    with Image.open(path) as image:
        if image.mode in _WIDE_GREY_MODES:
            grey = np.clip(np.asarray(image, dtype="int64"), 0, 65535) >> 8
            return np.repeat(grey[..., None], 3, axis=-1).astype("uint8")
        return np.asarray(image.convert("RGB"))


def _read_input(path, kind, max_frames):
    """`(frames, frame_indices, note)` of one input; raises when unreadable."""
    if kind is None:
        raise ValueError(
            f"not an image ({', '.join(IMAGE_SUFFIXES)}) or a video "
            f"({', '.join(VIDEO_EXTENSIONS)})"
        )
    if kind == "image":
        return [_load_image(path)], [None], None
    frames, note = decode_leading_frames(path, max_frames)
    return list(frames), list(range(len(frames))), note


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


def output_folder(path):
    """Creates the output folder `path`, with a clear error when it cannot.

    Raises:
        ValueError: `path` is a file, or the folder cannot be created or
            written to.
    """
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"--out {path} is a file; give a folder (new or existing)")
    try:
        os.makedirs(path, exist_ok=True)
        probe = Path(path) / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ValueError(
            f"cannot write to the output folder {path}: {error.strerror or error}"
        ) from None
    return path


class _DetectionRecords:
    """The records of `detect`, rewritten atomically as they grow.

    Every `FLUSH_SECONDS` (and at the end, also after an error) the whole file
    is written to a temporary name and renamed into place, so an interrupted
    run keeps the inputs done so far and never leaves a cut file.
    """

    FLUSH_SECONDS = 2.0

    def __init__(self, out, fmt, num_keypoints):
        self.path = os.path.join(out, f"keypoints.{fmt}")
        self.fmt = fmt
        self.num_keypoints = num_keypoints
        self.detections, self.skipped, self.notes = [], [], []
        self._last_flush = 0.0

    def flush(self, force=True):
        import time

        if not force and time.monotonic() - self._last_flush < self.FLUSH_SECONDS:
            return
        replace_atomically(
            self.path, self._write_json if self.fmt == "json" else self._write_csv
        )
        self._last_flush = time.monotonic()

    def _write_json(self, f):
        json.dump(
            {
                "format": "pixel (x, y) of the input image; null: not finite",
                "detections": [
                    {**record, "keypoints": _finite_or_null(record["keypoints"])}
                    for record in self.detections
                ],
                "skipped": self.skipped,
                "notes": self.notes,
            },
            f,
            indent=1,
            allow_nan=False,
        )

    def _write_csv(self, f):
        writer = csv.writer(f)
        header = ["input", "frame"]
        for k in range(self.num_keypoints):
            header += [f"x{k}", f"y{k}"]
        writer.writerow([*header, "skipped"])
        for record in self.detections:
            row = [record["input"], "" if record["frame"] is None else record["frame"]]
            for point in _finite_or_null(record["keypoints"]):
                row += ["" if v is None else f"{v:.2f}" for v in point]
            writer.writerow([*row, ""])
        for skip in self.skipped:
            empty = [""] * (1 + 2 * self.num_keypoints)
            writer.writerow([skip["input"], *empty, skip["reason"]])


def _detect_model(args):
    from keras_landmarks.export.detector import load_detector

    if args.model is None:
        if not SHIPPED_MODEL.exists():
            raise ValueError(
                f"no --model given and the shipped model is missing at {SHIPPED_MODEL}"
            )
        # Part of this package's source tree, so as trusted as the code itself.
        return load_detector(SHIPPED_MODEL, trust_saved_model=True)
    return load_detector(args.model, trust_saved_model=args.trust_saved_model)


def detect(args):
    """Keypoints of every input; an input that cannot be read is skipped,
    logged on stderr and listed with its reason in the records. Exit code 2
    when no input could be read."""
    model = _detect_model(args)
    inputs = _collect_inputs(args.inputs)
    output_folder(args.out)
    records = _DetectionRecords(args.out, args.format, model.num_keypoints)
    done = 0
    try:
        for name, path, kind in inputs:
            try:
                frames, indices, note = _read_input(path, kind, args.max_frames)
            except Exception as error:  # noqa: BLE001 - hostile input: skip just it
                reason = f"{type(error).__name__}: {error}"
                print(f"skipped {path}: {reason}", file=sys.stderr)
                records.skipped.append({"input": str(path), "reason": reason})
                continue
            if note:
                print(f"{path}: {note}", file=sys.stderr)
                records.notes.append({"input": str(path), "note": note})
            detections = model.predict_keypoints(_resize(frames, model.image_size))
            for frame, index, points in zip(frames, indices, detections, strict=True):
                points = _to_original_pixels(points, model.image_size, frame.shape[:2])
                records.detections.append(
                    {"input": str(path), "frame": index, "keypoints": points.tolist()}
                )
                if not args.no_pictures:
                    _write_overlay(frame, points, args.out, name, index)
            done += 1
            records.flush(force=False)
    finally:
        records.flush()
    skipped = len(records.skipped)
    print(
        f"{len(records.detections)} detections from {done} inputs ({skipped} "
        f"unreadable, skipped) -> {records.path}"
    )
    if not done:
        print(
            f"keras-landmarks detect: error: none of the {skipped} inputs could "
            "be read (reasons above and in the records)",
            file=sys.stderr,
        )
        return 2
    return 0


def _write_overlay(frame, points, out, name, index):
    from keras_landmarks.visualization import draw_keypoints
    from keras_landmarks.visualization import save_png

    # The input's relative path with its suffix kept: unique per input.
    picture = name + ("" if index is None else f".{index:05d}") + ".png"
    path = os.path.join(out, picture)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_png(draw_keypoints(frame, points), path)


def _finite_or_null(points):
    # JSON has no NaN or Infinity (json.dump would write them, invalid): a
    # coordinate the model could not place is null.
    return [[v if math.isfinite(v) else None for v in point] for point in points]


def visualize(args):
    from keras_landmarks.data.sources import training_pairs
    from keras_landmarks.export.detector import load_landmark_model
    from keras_landmarks.training.learning_curve import label_free_measures
    from keras_landmarks.training.loop import first_pairs
    from keras_landmarks.training.model_evaluation import format_label_free
    from keras_landmarks.visualization import keypoint_bars
    from keras_landmarks.visualization import model_pictures
    from keras_landmarks.visualization import save_png

    model = load_landmark_model(args.model)
    output_folder(args.out)
    # One read of the data: the first 8 pairs for the pictures, the targets of
    # the first CURVE_IMAGES for the label-free measures.
    pairs = first_pairs(
        training_pairs(args.data, model.image_size[0], args.seed), CURVE_IMAGES
    )
    written = model_pictures(model, {k: v[:8] for k, v in pairs.items()}, args.out)
    measures = label_free_measures(model, pairs["target"], seed=args.seed)
    print(format_label_free(measures))
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
    from keras_landmarks.export.detector import load_landmark_model
    from keras_landmarks.export.saved_model import export_saved_model

    model = load_landmark_model(args.model)
    path = export_saved_model(model, args.out, args.version, args.overwrite)
    print(f"SavedModel written to {path}")
    base = Path(args.out).resolve()
    print(
        "Serve it with: tensorflow_model_server --rest_api_port=8501 "
        f"--model_name={base.name} --model_base_path={base}"
    )
