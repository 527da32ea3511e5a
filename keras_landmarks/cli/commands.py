"""What each `keras-landmarks` sub-command does (library calls only)."""

import functools
import os
import sys
from pathlib import Path

import keras

# Images the label-free measures of `train --curve-every` and `visualize` use.
CURVE_IMAGES = 64


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
    from keras_landmarks.data.sources import training_pairs
    from keras_landmarks.models.presets import compiled_preset_model
    from keras_landmarks.models.presets import training_preset
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
    announce_precision(args.precision)
    keras.utils.set_random_seed(args.seed)
    if args.init_from:
        model = _model_to_fine_tune(args)
    else:
        given = {"num_keypoints": args.num_keypoints, "image_size": args.image_size}
        model = compiled_preset_model(
            args.preset,
            loss=args.loss,
            vgg=args.vgg,
            vgg_weights=args.vgg_weights,
            learning_rate=args.learning_rate,
            **{name: value for name, value in given.items() if value is not None},
            **equivariance,
        )
    batch_size = args.batch_size or training_preset(args.preset)["batch_size"]
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


def _model_to_fine_tune(args):
    """The `--init-from` model, checked against the options given with it."""
    from keras_landmarks.models.presets import training_preset
    from keras_landmarks.training.fine_tuning import model_to_fine_tune

    make_optimizer = training_preset(args.preset)["optimizer"]
    model = model_to_fine_tune(args.init_from, make_optimizer, args.learning_rate)
    found = {
        "num_keypoints": model.num_keypoints,
        "image_size": model.image_size[0],
        "equivariance_weight": model.equivariance_weight,
    }
    for name, value in found.items():
        given = getattr(args, name)
        if given is not None and given != value:
            flag = "--" + name.replace("_", "-")
            raise ValueError(
                f"{flag} {given} differs from the model in {args.init_from} "
                f"({name}={value}); leave {flag} out to fine-tune it"
            )
    return model


def evaluate(args):
    from keras_landmarks.data.evaluation_sources import evaluation_splits
    from keras_landmarks.training.model_evaluation import evaluate_model

    model = _landmark_model(args)
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
        details={"model": args.model or f"preset {args.preset}", "data": args.data},
        matched=args.matched,
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


def _detect_model(args):
    from keras_landmarks.export.detector import load_detector
    from keras_landmarks.models.keypoint_detector import KeypointDetector

    if args.model is None:
        return KeypointDetector.from_preset(args.preset)
    return load_detector(args.model, trust_saved_model=args.trust_saved_model)


def _landmark_model(args):
    """The LandmarkModel of `--model FILE.keras` or `--preset NAME|PATH`."""
    if args.model is not None:
        from keras_landmarks.export.detector import load_landmark_model

        return load_landmark_model(args.model)
    from keras_landmarks.presets.registry import load_preset

    return load_preset(args.preset)


def detect(args):
    """Keypoints of every input (`inference.detection_run.run_detection`); an
    input that cannot be read is skipped, logged on stderr and listed with its
    reason in the records. Exit code 2 when no input could be read."""
    from keras_landmarks.inference.detection_run import run_detection
    from keras_landmarks.inference.temporal_smoothing import make_smoother

    smoother = None
    options = {
        "--smooth-window": args.smooth_window,
        "--smooth-order": args.smooth_order,
    }
    options["--smooth-sigma"] = args.smooth_sigma
    given_without = [name for name, v in options.items() if v is not None]
    if given_without and not args.smooth:
        raise ValueError(f"{given_without[0]} needs --smooth (savgol or gaussian)")
    if args.smooth:
        # Options left out keep the smoother's defaults.
        given = {
            "window_length": args.smooth_window,
            "polyorder": args.smooth_order,
            "sigma": args.smooth_sigma,
        }
        smoother = make_smoother(
            args.smooth, **{k: v for k, v in given.items() if v is not None}
        )
    model = _detect_model(args)
    output_folder(args.out)
    summary = run_detection(
        model,
        args.inputs,
        args.out,
        fmt=args.format,
        pictures=not args.no_pictures,
        max_frames=args.max_frames,
        smoother=smoother,
        fit=None if args.fit == "stretch" else args.fit,
    )
    print(
        f"{summary.num_images + summary.num_video_frames} detections from "
        f"{summary.num_inputs} inputs ({summary.num_skipped} unreadable, skipped) "
        f"-> {summary.records}"
    )
    if not summary.num_inputs:
        print(
            f"keras-landmarks detect: error: none of the {summary.num_skipped} "
            "inputs could be read (reasons above and in the records)",
            file=sys.stderr,
        )
        return 2
    return 0


def visualize(args):
    from keras_landmarks.data.sources import training_pairs
    from keras_landmarks.training.learning_curve import label_free_measures
    from keras_landmarks.training.loop import first_pairs
    from keras_landmarks.training.model_evaluation import format_label_free
    from keras_landmarks.visualization import keypoint_bars
    from keras_landmarks.visualization import model_pictures
    from keras_landmarks.visualization import save_png

    model = _landmark_model(args)
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
    from keras_landmarks.export.saved_model import export_saved_model

    model = _landmark_model(args)
    path = export_saved_model(model, args.out, args.version, args.overwrite)
    print(f"SavedModel written to {path}")
    base = Path(args.out).resolve()
    print(
        "Serve it with: tensorflow_model_server --rest_api_port=8501 "
        f"--model_name={base.name} --model_base_path={base}"
    )
