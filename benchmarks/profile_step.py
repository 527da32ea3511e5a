"""Where the training step's time goes: the frozen VGG against the trainable nets.

For the active Keras backend and one compile mode, this times, after warm-up:

- the full training step of the paper configuration (128x128, K = 10, batch 8,
  random-weight VGG up to conv5_2): `train_on_batch`;
- the same step with the perceptual loss replaced by pixel L2 (no VGG at all),
  so the trainable networks alone;
- the VGG feature extractor's forward pass on one batch (what the target pass
  costs, and a lower bound of the reconstruction's forward pass);

and sets each against its analytic FLOP count (`keras_landmarks.profiling.flops`)
to give GFLOP/s per part. The VGG's share of the step is the difference of the
first two timings. `--precision mixed_bfloat16` runs all of it under that dtype
policy. `--op-table` also prints the operators with the most time over a few full
steps: on PyTorch the `torch.profiler` table (self CPU time), on TensorFlow a table
per operator type read from a `tf.profiler` trace (without XLA; times summed over
the threads, so they add up to more than the step); on any backend,
`--plain-op-table` prints the same table for the plain-PyTorch step of the same
size, batch, VGG and precision (`benchmarks/plain_pytorch_step.py`, in its own
process), so that the two profiles can be set side by side.

    KERAS_BACKEND=tensorflow python benchmarks/profile_step.py
    KERAS_BACKEND=torch python benchmarks/profile_step.py --op-table
    KERAS_BACKEND=tensorflow python benchmarks/profile_step.py --vgg vgg16 \
        --precision mixed_bfloat16 --op-table
    KERAS_BACKEND=torch python benchmarks/profile_step.py --vgg vgg16 \
        --precision mixed_bfloat16 --op-table --plain-op-table

Every number printed is measured in this run; compare ratios within one run.
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings

import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from train_step import PAPER_BENCHMARK_BATCH_SIZE  # noqa: E402
from train_step import PRECISIONS  # noqa: E402
from train_step import backend_modes  # noqa: E402
from train_step import machine_info  # noqa: E402
from train_step import random_batch  # noqa: E402
from train_step import run_plain_pytorch_step  # noqa: E402

from keras_landmarks.losses.perceptual_loss import PerceptualLoss  # noqa: E402
from keras_landmarks.losses.perceptual_loss import RandomLossNetworkWarning  # noqa: E402
from keras_landmarks.models.landmark_model import REFERENCE_IMAGE_SIZE  # noqa: E402
from keras_landmarks.models.presets import make_reconstruction_loss  # noqa: E402
from keras_landmarks.models.presets import paper_model  # noqa: E402
from keras_landmarks.profiling.flops import landmark_step_flops  # noqa: E402


def _median_seconds(fn, warmup, steps):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _model(make_loss, jit_compile, image_size, precision):
    keras.backend.clear_session()  # Also resets the dtype policy.
    keras.config.set_dtype_policy(precision)
    model = paper_model(10, reconstruction_loss=make_loss(), image_size=image_size)
    model.compile(optimizer="reference", jit_compile=jit_compile)
    # Its slots now, not inside the first step: on TensorFlow a first step that
    # creates variables is traced twice. (The timed steps follow a warm-up.)
    model.optimizer.build(model.trainable_variables)
    return model


def _perceptual_loss(vgg):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RandomLossNetworkWarning)
        return PerceptualLoss(network=vgg, weights=None, name="reconstruction_loss")


def profile(mode, jit_compile, image_size, batch_size, warmup, steps, vgg, precision):
    """Timings and FLOPs of the step's parts; returns a list of row dicts."""
    batch = {
        k: keras.ops.convert_to_tensor(v)
        for k, v in random_batch(batch_size, image_size).items()
    }
    rows = []

    model = _model(lambda: _perceptual_loss(vgg), jit_compile, image_size, precision)
    flops = landmark_step_flops(model, batch_size)
    full = _median_seconds(lambda: model.train_on_batch(batch), warmup + 1, steps)
    rows.append(("full step", full, flops["total"]))

    features = model.reconstruction_loss.network
    target = batch["target"]
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        forward = tf.function(features, jit_compile=jit_compile)
    elif keras.backend.backend() == "jax":
        import jax

        forward_jit = jax.jit(lambda t, n, x: features.stateless_call(t, n, x)[0])
        trainable = [v.value for v in features.trainable_variables]
        non_trainable = [v.value for v in features.non_trainable_variables]

        def forward(x):
            return forward_jit(trainable, non_trainable, x)
    else:
        import torch

        def forward(x):
            with torch.no_grad():
                return features(x)

    def vgg_forward():
        out = forward(target)
        keras.ops.convert_to_numpy(keras.tree.flatten(out)[-1])

    vgg_seconds = _median_seconds(vgg_forward, warmup + 1, steps)
    loss_forward = flops["loss_network"]["forward"] // 2  # one of its two passes
    rows.append(("VGG forward, one batch", vgg_seconds, loss_forward))

    pixel = _model(
        lambda: make_reconstruction_loss("pixel_l2"), jit_compile, image_size, precision
    )
    trainable_flops = sum(flops["trainable"].values())
    no_vgg = _median_seconds(lambda: pixel.train_on_batch(batch), warmup + 1, steps)
    rows.append(("step without VGG (trainable nets)", no_vgg, trainable_flops))
    vgg_flops = sum(flops["loss_network"].values())
    rows.append(("VGG share (full - without)", full - no_vgg, vgg_flops))
    return [
        {
            "mode": mode,
            "part": name,
            "seconds": seconds,
            "gflop": count / 1e9,
            "gflops_per_s": count / seconds / 1e9 if seconds > 0 else float("nan"),
            "share_of_step": seconds / full,
        }
        for name, seconds, count in rows
    ]


def _warm_model(image_size, batch_size, vgg, precision):
    """The paper model (not compiled with XLA) and a batch, after one step."""
    model = _model(lambda: _perceptual_loss(vgg), False, image_size, precision)
    batch = {
        k: keras.ops.convert_to_tensor(v)
        for k, v in random_batch(batch_size, image_size).items()
    }
    model.train_on_batch(batch)
    return model, batch


def torch_op_table(
    image_size, batch_size, vgg, steps, precision, limit=15, by_shape=False
):
    """`torch.profiler` table of the full step's operators by self CPU time;
    `by_shape`: one row per operator and input shapes (which copies are layout
    conversions of activations, which of kernels)."""
    import torch

    model, batch = _warm_model(image_size, batch_size, vgg, precision)
    activities = [torch.profiler.ProfilerActivity.CPU]
    with torch.profiler.profile(activities=activities, record_shapes=by_shape) as p:
        for _ in range(steps):
            model.train_on_batch(batch)
    averages = p.key_averages(group_by_input_shape=by_shape)
    return averages.table(
        sort_by="self_cpu_time_total", row_limit=limit, max_shapes_column_width=70
    )


# Events of a TensorFlow trace that wrap operators rather than being one.
TF_WRAPPER_EVENTS = ("Process", "Run")


def tensorflow_op_table(image_size, batch_size, vgg, steps, precision, limit=15):
    """Per operator type, the time of the full step's TensorFlow operators over
    `steps` steps (`tf.profiler` trace, without XLA): calls, milliseconds summed
    over the threads, share of that sum."""
    import collections
    import shutil
    import tempfile

    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    model, batch = _warm_model(image_size, batch_size, vgg, precision)
    logdir = tempfile.mkdtemp(prefix="profile_step_")
    try:
        tf.profiler.experimental.start(logdir)
        for _ in range(steps):
            model.train_on_batch(batch)
        tf.profiler.experimental.stop()
        space = xplane_pb2.XSpace()
        paths = [
            os.path.join(folder, name)
            for folder, _, names in os.walk(logdir)
            for name in names
            if name.endswith(".xplane.pb")
        ]
        if len(paths) != 1:
            raise RuntimeError(
                f"tf.profiler wrote {len(paths)} .xplane.pb traces into {logdir}; "
                "expected one"
            )
        with open(paths[0], "rb") as f:
            space.ParseFromString(f.read())
    finally:
        shutil.rmtree(logdir, ignore_errors=True)
    totals = collections.defaultdict(lambda: [0, 0.0])
    for plane in space.planes:
        if not plane.name.startswith("/host:"):
            continue
        names = {key: value.name for key, value in plane.event_metadata.items()}
        for line in plane.lines:
            for event in line.events:
                # Operator events are named "<node name>:<op type>".
                name = names.get(event.metadata_id, "")
                op_type = name.rpartition(":")[2].strip() if ":" in name else None
                if not op_type or op_type in TF_WRAPPER_EVENTS:
                    continue
                if op_type.startswith("__"):  # the traced function itself
                    continue
                totals[op_type][0] += 1
                totals[op_type][1] += event.duration_ps / 1e9
    total_ms = sum(ms for _, ms in totals.values())
    lines = [f"{'op type':<40} {'calls':>7} {'ms':>10} {'of op time':>10}"]
    ranked = sorted(totals.items(), key=lambda item: -item[1][1])
    for op_type, (calls, ms) in ranked[:limit]:
        lines.append(f"{op_type:<40} {calls:>7} {ms:>10.1f} {ms / total_ms:>10.1%}")
    lines.append(f"{'all operators':<40} {'':>7} {total_ms:>10.1f}")
    return "\n".join(lines)


def plain_op_table(image_size, batch_size, vgg, steps, warmup, precision, limit=15):
    """The same table for `plain_pytorch_step.py`'s step, run in its own
    process (`train_step.run_plain_pytorch_step`)."""
    arguments = ["--image-size", str(image_size), "--batch", str(batch_size)]
    arguments += ["--vgg", vgg, "--precisions", precision, "--steps", str(steps)]
    arguments += ["--warmup", str(warmup), "--op-table", str(limit)]
    return run_plain_pytorch_step(arguments)["op_tables"][precision]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", default=None, help="one of the backend's modes")
    parser.add_argument("--image-size", type=int, default=REFERENCE_IMAGE_SIZE)
    parser.add_argument("--batch", type=int, default=PAPER_BENCHMARK_BATCH_SIZE)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--vgg", default="vgg19", choices=("vgg16", "vgg19"))
    parser.add_argument("--precision", default="float32", choices=PRECISIONS)
    parser.add_argument(
        "--op-table",
        action="store_true",
        help="per-operator times of the full step (TensorFlow or PyTorch)",
    )
    parser.add_argument(
        "--op-shapes",
        action="store_true",
        help="with --op-table on PyTorch: a row per operator and input shapes",
    )
    parser.add_argument(
        "--plain-op-table",
        action="store_true",
        help="also the op table of the plain-PyTorch step (any backend)",
    )
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    modes = backend_modes(keras.backend.backend())
    mode = args.mode or next(iter(modes))
    if mode not in modes:
        parser.error(f"--mode must be one of {sorted(modes)}. Received: {mode!r}")
    if args.op_table and keras.backend.backend() not in ("tensorflow", "torch"):
        parser.error("--op-table needs KERAS_BACKEND=tensorflow or torch")
    if args.op_shapes and not (args.op_table and keras.backend.backend() == "torch"):
        parser.error("--op-shapes goes with --op-table on KERAS_BACKEND=torch")
    machine = machine_info()
    rows = profile(
        mode,
        modes[mode],
        args.image_size,
        args.batch,
        args.warmup,
        args.steps,
        args.vgg,
        args.precision,
    )
    keras.config.set_dtype_policy("float32")
    machine["load_average_end"] = list(os.getloadavg())
    print(
        f"backend {keras.backend.backend()}, mode {mode}, {args.precision}, "
        f"CPU {machine['cpu_model']}, "
        f"load {machine['load_average_start'][0]:.1f} -> "
        f"{machine['load_average_end'][0]:.1f}"
    )
    print(f"{'part':<36} {'seconds':>8} {'GFLOP':>8} {'GFLOP/s':>8} {'of step':>8}")
    for row in rows:
        print(
            f"{row['part']:<36} {row['seconds']:>8.3f} {row['gflop']:>8.1f} "
            f"{row['gflops_per_s']:>8.1f} {row['share_of_step']:>8.1%}"
        )
    result = {
        "backend": keras.backend.backend(),
        "precision": args.precision,
        "machine": machine,
        "rows": rows,
    }
    shape = (args.image_size, args.batch, args.vgg, args.steps)
    if args.op_table:
        backend = keras.backend.backend()
        if backend == "torch":
            table = torch_op_table(*shape, args.precision, by_shape=args.op_shapes)
        else:
            table = tensorflow_op_table(*shape, args.precision)
        keras.config.set_dtype_policy("float32")
        print(f"keras-landmarks {backend} {args.precision}, {args.steps} steps:")
        print(table)
        result[f"{backend}_op_table"] = table
    if args.plain_op_table:
        table = plain_op_table(*shape, args.warmup, args.precision)
        print(f"plain PyTorch {args.precision}, {args.steps} steps:")
        print(table)
        result["plain_pytorch_op_table"] = table
    print(json.dumps(result, default=float))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2, default=float)
    return result


if __name__ == "__main__":
    main()
