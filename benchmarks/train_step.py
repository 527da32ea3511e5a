"""Training-step time and achieved FLOP/s against the measured matmul peak.

In one run on the machine it runs on, for the active Keras backend:

(a) the matmul peak: square float32 and bfloat16 matmuls (`keras.ops.matmul`
    inside each compile mode of the backend: `tf.function` with and without
    XLA, `jax.jit`, PyTorch eager), median of several after a warm-up, in
    GFLOP/s (2 n^3 FLOPs per matmul);
(b) the median training-step time (`train_on_batch` on backend tensors, after
    warm-up) of the paper configuration (`paper_model`, 128x128, K=10, batch 8,
    a random-weight VGG perceptual loss up to conv5_2) and of the CPU demo
    configuration (`cpu_model` with `cpu_optimizer`, 64x64, batch 16), in every
    compile mode of the backend (TensorFlow: `jit_compile=False` and `True`;
    JAX: jit; PyTorch: eager), in float32 and under `mixed_bfloat16`;
(c) the FLOPs of one step, counted analytically from the convolutions
    (`keras_landmarks.profiling.flops`), and the achieved GFLOP/s and fraction of
    the peak: float32 steps against the float32 peak, bfloat16 steps against
    the bfloat16 peak;
(d) with `--with-plain-pytorch`, the same paper-configuration step in plain
    PyTorch (`benchmarks/plain_pytorch_step.py`, channels-last, bfloat16 by
    `torch.autocast`), run in its own process after the rows above with the
    same image size, batch, VGG, precisions, steps and warm-up: its rows join
    the table (mode `plain-pytorch`), and every paper row of ours gets
    `speed_vs_plain_pytorch`, the plain step's median time over ours in the
    same precision (above 1: we are faster).

Nothing is hard-coded: every number printed is measured in this run. Timings
depend on what else the machine runs: the load average is recorded before and
after.

    KERAS_BACKEND=jax python benchmarks/train_step.py
    KERAS_BACKEND=tensorflow python benchmarks/train_step.py --configs cpu --json t.json
    KERAS_BACKEND=torch python benchmarks/train_step.py --quick   # tiny, for CI
    KERAS_BACKEND=tensorflow python benchmarks/train_step.py --configs paper \
        --vgg vgg16 --with-plain-pytorch     # ours against plain PyTorch

Prints a table and one JSON line (also written to `--json PATH` if given).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import keras
import numpy as np

from keras_landmarks.losses.perceptual_loss import PerceptualLoss
from keras_landmarks.losses.perceptual_loss import RandomLossNetworkWarning
from keras_landmarks.models.landmark_model import REFERENCE_IMAGE_SIZE
from keras_landmarks.models.presets import CPU_BATCH_SIZE
from keras_landmarks.models.presets import CPU_IMAGE_SIZE
from keras_landmarks.models.presets import cpu_model
from keras_landmarks.models.presets import cpu_optimizer
from keras_landmarks.models.presets import paper_model
from keras_landmarks.profiling.flops import landmark_step_flops

CONFIGS = ("paper", "cpu")
PRECISIONS = ("float32", "mixed_bfloat16")
NUM_KEYPOINTS = 10
# Batch 8 for the paper configuration keeps one step within seconds on a CPU
# (the reference trains with 50).
PAPER_BENCHMARK_BATCH_SIZE = 8
MATMUL_SIZES = (2048, 4096)
QUICK_MATMUL_SIZES = (128, 256)
# Stop trying larger matmuls once one takes this long (emulated bfloat16).
MATMUL_SLOW_SECONDS = 1.0
# Every dtype starts with this size, so that an emulated bfloat16 (0.3 GFLOP/s
# measured on an AVX2-only CPU) stops after a second instead of a minute.
MATMUL_PROBE_SIZE = 512
MATMUL_REPEATS = 5
CPU_FLAGS = ("amx_bf16", "amx_tile", "avx512_bf16", "avx512f", "avx2")
PLAIN_PYTORCH_SCRIPT = Path(__file__).resolve().with_name("plain_pytorch_step.py")
PLAIN_PYTORCH_MODE = "plain-pytorch"


def backend_modes(backend):
    """The compile modes of `backend`: `{name: jit_compile}`."""
    return {
        "tensorflow": {"tf": False, "tf-xla": True},
        "jax": {"jax-jit": True},
        "torch": {"torch-eager": False},
    }[backend]


def machine_info():
    """CPU model, bfloat16-relevant flags, core and thread counts, load."""
    model_name, flags = platform.processor() or "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model_name in ("unknown", "x86_64"):
                    model_name = value.strip()
                elif key in ("flags", "Features") and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    info = {
        "cpu_model": model_name,
        "cpu_flags": {flag: flag in flags for flag in CPU_FLAGS},
        "os_cpu_count": os.cpu_count(),
        "affinity_cpu_count": (
            len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        ),
        "load_average_start": list(os.getloadavg()),
        "python": platform.python_version(),
        "keras": keras.__version__,
    }
    if keras.backend.backend() == "torch":
        import torch

        info["torch_num_threads"] = torch.get_num_threads()
        info["torch_version"] = torch.__version__
    elif keras.backend.backend() == "jax":
        import jax

        info["jax_version"] = jax.__version__
    else:
        import tensorflow as tf

        info["tensorflow_version"] = tf.__version__
        info["tf_intra_op_threads"] = (
            tf.config.threading.get_intra_op_parallelism_threads()
        )
    return info


def compiled_matmul(backend, jit_compile):
    """`keras.ops.matmul` inside the backend's compiled mode, and a sync."""
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(keras.ops.matmul, jit_compile=jit_compile), lambda y: y
    if backend == "jax":
        import jax

        return jax.jit(keras.ops.matmul), lambda y: y.block_until_ready()
    return keras.ops.matmul, lambda y: y


def time_call(fn, sync, repeats, budget_seconds=None):
    """Median seconds of `fn()` over `repeats` calls after one warm-up call."""
    sync(fn())
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        sync(fn())
        times.append(time.perf_counter() - start)
        if (
            budget_seconds is not None
            and sum(times) > budget_seconds
            and len(times) >= 3
        ):
            break
    return statistics.median(times), len(times)


def measure_matmul(modes, sizes, repeats):
    """GFLOP/s of square matmuls per compile mode (`{name: jit_compile}`)."""
    backend = keras.backend.backend()
    rng = np.random.default_rng(0)
    rows = []
    probe = (MATMUL_PROBE_SIZE,) if min(sizes) > MATMUL_PROBE_SIZE else ()
    sizes = probe + tuple(sizes)
    for mode, jit_compile in modes.items():
        matmul, sync = compiled_matmul(backend, jit_compile)
        for dtype in ("float32", "bfloat16"):
            for i, n in enumerate(sizes):
                a = keras.ops.cast(rng.standard_normal((n, n), "float32"), dtype)
                b = keras.ops.cast(rng.standard_normal((n, n), "float32"), dtype)

                def call(a=a, b=b, matmul=matmul):
                    return matmul(a, b)

                seconds, count = time_call(call, sync, repeats, budget_seconds=10)
                rows.append(
                    {
                        "mode": mode,
                        "op": "keras.ops.matmul",
                        "dtype": dtype,
                        "n": n,
                        "repeats": count,
                        "median_s": seconds,
                        "gflops": 2 * n**3 / seconds / 1e9,
                    }
                )
                # Skip the larger sizes when the next one would take too long
                # (cubic in n): emulated bfloat16 runs at about 1 GFLOP/s.
                following = sizes[i + 1 : i + 2]
                if seconds > MATMUL_SLOW_SECONDS or (
                    following
                    and seconds * (following[0] / n) ** 3 > 8 * MATMUL_SLOW_SECONDS
                ):
                    break
    return rows


def make_model(config, image_size, vgg):
    if config == "paper":
        with warnings.catch_warnings():
            # Random VGG weights time the same as ImageNet ones.
            warnings.simplefilter("ignore", RandomLossNetworkWarning)
            loss = PerceptualLoss(network=vgg, weights=None, name="reconstruction_loss")
        return paper_model(
            NUM_KEYPOINTS, reconstruction_loss=loss, image_size=image_size
        )
    return cpu_model(NUM_KEYPOINTS, image_size=image_size)


def random_batch(batch_size, image_size, seed=0):
    """A batch dict of random images on [0, 255], a mask on [0, 1] and a warp
    grid near the identity (for the CPU preset's equivariance term)."""
    rng = np.random.default_rng(seed)
    shape = (batch_size, image_size, image_size)
    axis = np.linspace(-1.0, 1.0, image_size)
    identity = np.stack(np.meshgrid(axis, axis), -1)
    return {
        "source": rng.uniform(0, 255, (*shape, 3)).astype("float32"),
        "target": rng.uniform(0, 255, (*shape, 3)).astype("float32"),
        "mask": rng.uniform(0, 1, (*shape, 1)).astype("float32"),
        "source_grid": (identity + rng.normal(0, 0.02, (*shape, 2))).astype("float32"),
    }


def measure_step(config, mode, jit_compile, precision, image_size, batch_size, args):
    """Median `train_on_batch` seconds of one configuration, and its FLOPs."""
    keras.backend.clear_session()
    previous_policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        model = make_model(config, image_size, args.vgg)
        optimizer = cpu_optimizer() if config == "cpu" else "reference"
        model.compile(optimizer=optimizer, jit_compile=jit_compile)
        batch = {
            key: keras.ops.convert_to_tensor(value)
            for key, value in random_batch(batch_size, image_size).items()
        }
        flops = landmark_step_flops(model, batch_size)
        start = time.perf_counter()
        model.train_on_batch(batch)  # Traces and compiles.
        first = time.perf_counter() - start
        for _ in range(args.warmup):
            model.train_on_batch(batch)
        times = []
        for _ in range(args.steps):
            start = time.perf_counter()
            logs = model.train_on_batch(batch, return_dict=True)
            times.append(time.perf_counter() - start)
        loss = float(logs["loss"])
    finally:
        keras.config.set_dtype_policy(previous_policy)
    median = statistics.median(times)
    return {
        "config": config,
        "mode": mode,
        "precision": precision,
        "image_size": image_size,
        "batch_size": batch_size,
        "first_step_s": first,
        "median_step_s": median,
        "min_step_s": min(times),
        "steps": len(times),
        "finite_loss": bool(np.isfinite(loss)),
        "flops": flops["total"],
        "gflops": flops["total"] / median / 1e9,
        "flops_breakdown": {k: v for k, v in flops.items() if k != "convs"},
    }


def run_plain_pytorch_step(arguments):
    """`plain_pytorch_step.py` run with `arguments` in its own process (its
    threads and allocator apart from this backend's); its JSON result.

    Raises:
        RuntimeError: the script failed; the message holds its stderr's end.
    """
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "plain.json")
        command = [sys.executable, str(PLAIN_PYTORCH_SCRIPT), *arguments]
        completed = subprocess.run(
            [*command, "--json", out], capture_output=True, text=True
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"{PLAIN_PYTORCH_SCRIPT.name} exited with {completed.returncode}: "
                f"{completed.stderr[-2000:]}"
            )
        with open(out) as f:
            return json.load(f)


def plain_pytorch_rows(image_size, batch_size, args):
    """The plain-PyTorch paper step's rows (`run_plain_pytorch_step`) for the
    command line's VGG, precisions, steps, warm-up and PyTorch threads."""
    arguments = [
        "--image-size",
        str(image_size),
        "--batch",
        str(batch_size),
        "--keypoints",
        str(NUM_KEYPOINTS),
        "--vgg",
        args.vgg,
        "--precisions",
        ",".join(args.precisions),
        "--steps",
        str(args.steps),
        "--warmup",
        str(args.warmup),
    ]
    if args.torch_threads is not None:
        arguments += ["--threads", str(args.torch_threads)]
    return run_plain_pytorch_step(arguments)["steps"]


def add_speed_vs_plain_pytorch(steps, plain_rows):
    """Sets `speed_vs_plain_pytorch` (plain median s / ours) on every row of
    `steps` with a plain row of the same config, precision, size and batch."""
    plain = {
        (row["config"], row["precision"], row["image_size"], row["batch_size"]): row
        for row in plain_rows
    }
    for row in steps:
        key = (row["config"], row["precision"], row["image_size"], row["batch_size"])
        if row["mode"] != PLAIN_PYTORCH_MODE and key in plain:
            row["speed_vs_plain_pytorch"] = (
                plain[key]["median_step_s"] / row["median_step_s"]
            )


def peaks(matmul_rows):
    """The best measured GFLOP/s per dtype over modes and sizes."""
    best = {}
    for row in matmul_rows:
        best[row["dtype"]] = max(best.get(row["dtype"], 0.0), row["gflops"])
    return best


def add_fraction_of_peak(row, peak):
    """Sets a step row's `peak_dtype` and `fraction_of_peak`: float32 steps
    against the float32 peak, bfloat16 ones against the bfloat16 peak."""
    bfloat16 = row["precision"] == "mixed_bfloat16"
    row["peak_dtype"] = "bfloat16" if bfloat16 else "float32"
    row["fraction_of_peak"] = row["gflops"] / peak[row["peak_dtype"]]


def print_tables(result):
    machine = result["machine"]
    flags = ", ".join(
        f"{k}={'yes' if v else 'no'}" for k, v in machine["cpu_flags"].items()
    )
    print(f"CPU: {machine['cpu_model']} ({flags})")
    threads = machine.get("torch_num_threads", "-")
    print(
        f"backend {result['backend']}, os.cpu_count {machine['os_cpu_count']}, "
        f"affinity {machine['affinity_cpu_count']}, torch threads {threads}, "
        f"load {machine['load_average_start'][0]:.1f} -> "
        f"{machine['load_average_end'][0]:.1f}"
    )
    print(
        f"\n{'matmul mode':<13} {'dtype':<9} {'n':>5} {'median ms':>10} {'GFLOP/s':>9}"
    )
    for row in result["matmul"]:
        print(
            f"{row['mode']:<13} {row['dtype']:<9} {row['n']:>5} "
            f"{row['median_s'] * 1e3:>10.2f} {row['gflops']:>9.1f}"
        )
    peak = result["peak_gflops"]
    print(
        "peak: "
        + ", ".join(f"{dtype} {value:.1f} GFLOP/s" for dtype, value in peak.items())
    )
    print(
        f"\n{'config':<6} {'mode':<13} {'precision':<15} {'size':>4} {'batch':>5} "
        f"{'GFLOP/step':>10} {'first s':>8} {'median s':>9} {'GFLOP/s':>8} "
        f"{'of peak':>8} {'vs plain':>8}"
    )
    for row in result["steps"]:
        ratio = row.get("speed_vs_plain_pytorch")
        print(
            f"{row['config']:<6} {row['mode']:<13} {row['precision']:<15} "
            f"{row['image_size']:>4} {row['batch_size']:>5} "
            f"{row['flops'] / 1e9:>10.2f} {row['first_step_s']:>8.2f} "
            f"{row['median_step_s']:>9.4f} {row['gflops']:>8.1f} "
            f"{row['fraction_of_peak']:>8.1%} "
            f"{'-' if ratio is None else f'{ratio:.2f}x':>8}"
        )
    if any("speed_vs_plain_pytorch" in row for row in result["steps"]):
        print(
            "vs plain: the plain-PyTorch step's time over ours, same precision "
            "(above 1: ours is faster)"
        )
    for row in result["failures"]:
        error = row["error"].splitlines()[0][:100]
        print(f"{row['config']:<6} {row['mode']:<12} {row['precision']:<15} {error}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny run for tests: small matmuls, 32x32 images, batch 2, 2 steps",
    )
    parser.add_argument("--configs", default="paper,cpu", help="paper,cpu")
    parser.add_argument(
        "--precisions", default=",".join(PRECISIONS), help="float32,mixed_bfloat16"
    )
    parser.add_argument("--modes", default=None, help="subset of the backend's modes")
    parser.add_argument("--steps", type=int, default=None, help="timed steps (5)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed steps (2)")
    parser.add_argument("--image-size", type=int, default=None)
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument(
        "--matmul-sizes", default=None, help="comma-separated n (2048,4096)"
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="torch.set_num_threads for KERAS_BACKEND=torch and for the "
        "plain-PyTorch step (default: PyTorch's own)",
    )
    parser.add_argument("--vgg", default="vgg19", choices=("vgg16", "vgg19"))
    parser.add_argument(
        "--with-plain-pytorch",
        action="store_true",
        help="also time the paper step in plain PyTorch (plain_pytorch_step.py, "
        "its own process) and print our speed relative to it",
    )
    parser.add_argument("--json", default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    args.configs = [c for c in args.configs.split(",") if c]
    unknown = set(args.configs) - set(CONFIGS)
    if unknown:
        parser.error(f"unknown configs {sorted(unknown)}; choose from {CONFIGS}")
    if args.with_plain_pytorch and "paper" not in args.configs:
        parser.error(
            "--with-plain-pytorch times the paper configuration: add 'paper' to "
            f"--configs. Received: --configs {','.join(args.configs)}"
        )
    args.precisions = [p for p in args.precisions.split(",") if p]
    unknown = set(args.precisions) - set(PRECISIONS)
    if unknown:
        parser.error(f"unknown precisions {sorted(unknown)}; choose from {PRECISIONS}")
    if args.steps is None:
        args.steps = 2 if args.quick else 5
    if args.warmup is None:
        args.warmup = 1 if args.quick else 2
    if args.steps < 1 or args.warmup < 0:
        parser.error("--steps must be >= 1 and --warmup >= 0")
    if args.matmul_sizes is None:
        args.matmul_sizes = QUICK_MATMUL_SIZES if args.quick else MATMUL_SIZES
    else:
        args.matmul_sizes = tuple(int(n) for n in args.matmul_sizes.split(","))
    return args


def step_shape(config, args):
    """`(image_size, batch_size)` of `config` under the command line's options."""
    default_size, default_batch = {
        "paper": (REFERENCE_IMAGE_SIZE, PAPER_BENCHMARK_BATCH_SIZE),
        "cpu": (CPU_IMAGE_SIZE, CPU_BATCH_SIZE),
    }[config]
    image_size = args.image_size or (32 if args.quick else default_size)
    batch_size = args.batch or (2 if args.quick else default_batch)
    return image_size, batch_size


def main(argv=None):
    args = parse_args(argv)
    backend = keras.backend.backend()
    modes = backend_modes(backend)
    if args.modes is not None:
        wanted = args.modes.split(",")
        unknown = set(wanted) - set(modes)
        if unknown:
            raise SystemExit(
                f"Unknown modes {sorted(unknown)} for {backend}; choose from "
                f"{tuple(modes)}"
            )
        modes = {name: modes[name] for name in wanted}
    if args.torch_threads is not None and backend == "torch":
        import torch

        torch.set_num_threads(args.torch_threads)
    elif args.torch_threads is not None and not args.with_plain_pytorch:
        raise SystemExit(
            "--torch-threads applies to KERAS_BACKEND=torch or --with-plain-pytorch"
        )
    machine = machine_info()
    matmul = measure_matmul(modes, args.matmul_sizes, MATMUL_REPEATS)
    peak = peaks(matmul)
    steps, failures = [], []
    for config in args.configs:
        image_size, batch_size = step_shape(config, args)
        for mode, jit_compile in modes.items():
            for precision in args.precisions:
                try:
                    row = measure_step(
                        config,
                        mode,
                        jit_compile,
                        precision,
                        image_size,
                        batch_size,
                        args,
                    )
                except Exception as error:  # Report it; measure the rest.
                    message = f"{type(error).__name__}: {error}"
                    print(f"  {config} {mode} {precision}: FAILED {message[:300]}")
                    failures.append(
                        {
                            "config": config,
                            "mode": mode,
                            "precision": precision,
                            "error": message[:2000],
                        }
                    )
                    continue
                add_fraction_of_peak(row, peak)
                steps.append(row)
                print(
                    f"  {config} {mode} {precision}: {row['median_step_s']:.4f} s/step",
                    flush=True,
                )
    if args.with_plain_pytorch:
        try:
            plain = plain_pytorch_rows(*step_shape("paper", args), args)
        except Exception as error:  # Report it; keep our rows.
            message = f"{type(error).__name__}: {error}"
            print(f"  paper {PLAIN_PYTORCH_MODE}: FAILED {message[:300]}")
            failures.append(
                {
                    "config": "paper",
                    "mode": PLAIN_PYTORCH_MODE,
                    "precision": ",".join(args.precisions),
                    "error": message[:2000],
                }
            )
            plain = []
        for row in plain:
            add_fraction_of_peak(row, peak)
            print(
                f"  paper {PLAIN_PYTORCH_MODE} {row['precision']}: "
                f"{row['median_step_s']:.4f} s/step",
                flush=True,
            )
        steps += plain
        add_speed_vs_plain_pytorch(steps, plain)
    machine["load_average_end"] = list(os.getloadavg())
    result = {
        "backend": backend,
        "machine": machine,
        "settings": {
            "quick": args.quick,
            "configs": args.configs,
            "modes": list(modes),
            "precisions": args.precisions,
            "steps": args.steps,
            "warmup": args.warmup,
            "matmul_sizes": list(args.matmul_sizes),
            "vgg": args.vgg,
            "torch_threads": args.torch_threads,
            "with_plain_pytorch": args.with_plain_pytorch,
        },
        "matmul": matmul,
        "peak_gflops": peak,
        "steps": steps,
        "failures": failures,
    }
    print_tables(result)
    line = json.dumps(result)
    print(line)
    if args.json:
        with open(args.json, "w") as f:
            f.write(line + "\n")
    return result


if __name__ == "__main__":
    main()
