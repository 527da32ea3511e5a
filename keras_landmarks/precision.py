"""Choosing the dtype policy: float32, or mixed precision where the hardware gains.

Under a mixed policy the convolutions (detector, encoders, generator, the loss
network) run in bfloat16 or float16 with float32 weights; the keypoint
bottleneck (softmax, Gaussian rendering), the loss terms, the running loss
normalisers and the total stay float32, and Keras keeps the optimizer state in
float32 (and wraps the optimizer in a `LossScaleOptimizer` for
`mixed_float16`).

`"auto"` picks:

- a GPU: `mixed_bfloat16` from compute capability 8 (Ampere) on, which needs
  no loss scaling; `mixed_float16` on older GPUs (tensor cores from 7.0);
- a TPU: `mixed_bfloat16`;
- a CPU: `mixed_bfloat16` only with AMX-BF16 units (Sapphire Rapids and later)
  and a backend whose CPU kernels use them: TensorFlow without XLA and PyTorch
  in eager mode go through oneDNN, which does; XLA's CPU code (JAX,
  TensorFlow with `jit_compile=True`) does not, and runs bfloat16 slower than
  float32. AVX512-BF16 alone only speeds up dot products a little and costs
  casts: float32. Everything else: float32.

Example:

>>> policy, reason = announce_precision("auto")
Keras backend: jax; precision: float32 (CPU without bfloat16 units)
"""

import os

import keras

PRECISIONS = ("auto", "float32", "mixed_bfloat16", "mixed_float16")
CPUINFO_PATH = "/proc/cpuinfo"
# Space-separated CPU flags that `auto` decides by instead of /proc/cpuinfo's
# (the test suite pins them, so that no test depends on the CPU it runs on).
CPU_FLAGS_ENV = "KERAS_LANDMARKS_CPU_FLAGS"
# The /proc/cpuinfo flag of Intel AMX's bfloat16 tile multiply.
AMX_BF16_FLAG = "amx_bf16"
AVX512_BF16_FLAG = "avx512_bf16"
# NVIDIA: bfloat16 tensor cores from Ampere (compute capability 8.0).
MIN_BF16_COMPUTE_CAPABILITY = 8
BACKENDS = ("tensorflow", "jax", "torch")


def read_cpu_flags(path=CPUINFO_PATH):
    """The feature flags of the first CPU in `/proc/cpuinfo` (empty if unreadable)."""
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("flags", "Features"):
                    return frozenset(value.split())
    except OSError:
        pass
    return frozenset()


def precision_cpu_flags():
    """The CPU flags `resolve_precision("auto")` decides by.

    `$KERAS_LANDMARKS_CPU_FLAGS` (space-separated, may be empty) when it is
    set, else `read_cpu_flags()`. Setting it makes `auto` behave as on another
    CPU, e.g. `KERAS_LANDMARKS_CPU_FLAGS="avx2"` as on a CPU without bfloat16
    units; the test suite pins it.
    """
    value = os.environ.get(CPU_FLAGS_ENV)
    if value is None:
        return read_cpu_flags()
    return frozenset(value.split())


def _compute_capability_major(capability):
    """`8` from `(8, 0)`, `"8.0"` or `8`; None when unknown."""
    if capability is None:
        return None
    if isinstance(capability, str):
        capability = capability.split(".")[0]
    elif isinstance(capability, (tuple, list)):
        capability = capability[0] if capability else None
    try:
        return int(capability)
    except (TypeError, ValueError):
        return None


def detect_accelerator(backend=None):
    """The first accelerator the backend sees, as `(kind, major_capability)`.

    `kind` is `"gpu"` or `"tpu"`; `major_capability` is the CUDA compute
    capability's major number, or None (unknown, or not NVIDIA). Returns None
    when the backend runs on the CPU only.
    """
    backend = backend or keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        if tf.config.list_physical_devices("TPU"):
            return ("tpu", None)
        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            capability = details.get("compute_capability")
            return ("gpu", _compute_capability_major(capability))
        return None
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        if device.platform == "tpu":
            return ("tpu", None)
        if device.platform in ("gpu", "cuda", "rocm"):
            capability = getattr(device, "compute_capability", None)
            return ("gpu", _compute_capability_major(capability))
        return None
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return ("gpu", torch.cuda.get_device_capability(0)[0])
        return None
    raise ValueError(
        f"Unknown backend. Expected one of {BACKENDS}. Received: {backend!r}"
    )


def _cpu_mode(backend, jit_compile):
    """`(uses_onednn, description)` of how the backend runs CPU kernels."""
    if backend == "tensorflow":
        # Keras' jit_compile="auto" is False on a CPU-only machine.
        if jit_compile is True:
            return False, "TensorFlow with XLA (jit_compile=True)"
        return True, "TensorFlow without XLA"
    if backend == "torch":
        if jit_compile is True:
            return False, "PyTorch with torch.compile (not measured)"
        return True, "PyTorch eager"
    return False, "JAX (XLA)"


def resolve_precision(
    precision="auto",
    backend=None,
    cpu_flags=None,
    accelerator="detect",
    jit_compile="auto",
):
    """The dtype policy to train with, and why.

    Args:
        precision: `"auto"` (default), `"float32"`, `"mixed_bfloat16"` or
            `"mixed_float16"`. An explicit name is returned as is.
        backend: `"tensorflow"`, `"jax"` or `"torch"`, default Keras' backend.
        cpu_flags: set of CPU feature flags, default `precision_cpu_flags()`
            (`$KERAS_LANDMARKS_CPU_FLAGS` if set, else `/proc/cpuinfo`).
        accelerator: `"detect"` (default: ask the backend), None (CPU only) or
            `(kind, major_capability)` as `detect_accelerator` returns.
        jit_compile: as given to `compile` (`"auto"`, True, False). Decides
            whether TensorFlow runs XLA (no AMX) or oneDNN (AMX).

    Returns:
        `(policy_name, reason)`, e.g. `("mixed_bfloat16", "AMX-BF16 found and
        PyTorch eager uses it (oneDNN)")`.
    """
    if precision not in PRECISIONS:
        raise ValueError(
            f"`precision` must be one of {PRECISIONS}. "
            f"Received: precision={precision!r}"
        )
    if precision != "auto":
        return precision, "requested"
    backend = backend or keras.backend.backend()
    if backend not in BACKENDS:
        raise ValueError(
            f"`backend` must be one of {BACKENDS}. Received: backend={backend!r}"
        )
    if accelerator == "detect":
        accelerator = detect_accelerator(backend)
    if accelerator is not None:
        kind, major = accelerator
        if kind == "tpu":
            return "mixed_bfloat16", "TPU: bfloat16 matrix units"
        if major is not None and major >= MIN_BF16_COMPUTE_CAPABILITY:
            return (
                "mixed_bfloat16",
                f"GPU with compute capability {major}.x >= "
                f"{MIN_BF16_COMPUTE_CAPABILITY}: bfloat16 tensor cores",
            )
        capability = "unknown" if major is None else f"{major}.x"
        return (
            "mixed_float16",
            f"GPU with compute capability {capability}: float16 tensor cores, "
            "dynamic loss scaling",
        )
    flags = precision_cpu_flags() if cpu_flags is None else frozenset(cpu_flags)
    uses_onednn, mode = _cpu_mode(backend, jit_compile)
    if AMX_BF16_FLAG in flags:
        if uses_onednn:
            return "mixed_bfloat16", f"AMX-BF16 found and {mode} uses it (oneDNN)"
        return "float32", f"AMX-BF16 found but {mode} does not use it on a CPU"
    if AVX512_BF16_FLAG in flags:
        return (
            "float32",
            "CPU without AMX-BF16 (AVX512-BF16 only): bfloat16 gains little",
        )
    return "float32", "CPU without bfloat16 units"


def apply_precision(precision="auto", **kwargs):
    """Sets Keras' global dtype policy with `resolve_precision`.

    Call it before building the model: layers take the policy when created.

    Args:
        precision: see `resolve_precision`.
        **kwargs: `backend`, `cpu_flags`, `accelerator`, `jit_compile`, passed on.

    Returns:
        `(policy_name, reason)`.
    """
    policy, reason = resolve_precision(precision, **kwargs)
    keras.config.set_dtype_policy(policy)
    return policy, reason


def announce_precision(precision="auto", **kwargs):
    """`apply_precision`, then prints the backend, the policy and the reason.

    The line the CLI and the recipes print before they build a model, e.g.
    `Keras backend: torch; precision: float32 (CPU without bfloat16 units)`.

    Args:
        precision, **kwargs: see `apply_precision`.

    Returns:
        `(policy_name, reason)`.
    """
    policy, reason = apply_precision(precision, **kwargs)
    print(f"Keras backend: {keras.backend.backend()}; precision: {policy} ({reason})")
    return policy, reason
