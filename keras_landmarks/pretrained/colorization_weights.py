"""Converts the authors' colourisation VGG-16 weights file into a Keras network.

The landmark paper's code (github tomasjakab/imm, README "Training") asks for
`vgg16.caffemodel.h5` (0.6 GB), the VGG-16 that Larsson et al. trained for
colourisation (github gustavla/self-supervision, README: "saved in Caffe HDF5
files"). What is known of its layout, and from where:

- Caffe's HDF5 net format, read the way [imm]
  (`imm/models/selfsup/build_vgg16.py`, `vgg16.py`, `caffe.py`) reads it with
  `deepdish.io.load(path, "/data")`: a group `/data`, one sub-group per layer
  named as in Caffe (`conv1_1`, ..., `conv5_3`, `fc6`, `fc7`), holding the
  blobs as datasets `"0"` (weights) and `"1"` (bias).
- Conv weights are Caffe's `(out, in, kh, kw)`; [imm] transposes them to
  `(kh, kw, in, out)`. conv1_1 has one input channel: [imm] builds it on the
  one-channel grey image and asserts the file's shape. fc6 and fc7 may be
  stored as inner products, `(4096, 25088)` and `(4096, 4096)`; [imm] (and the
  saver of github gustavla/self-supervision, `selfsup/caffe.py`) reshape them
  to `(4096, 512, 7, 7)` and `(4096, 4096, 1, 1)`.
- Batch norm: layers `batch_<name>` with Caffe `BatchNorm` blobs `"0"` (mean
  sum), `"1"` (variance sum), `"2"` (scale factor); mean = `"0"` / `"2"`,
  variance = `"1"` / `"2"`, epsilon 1e-5, folded into the conv by [imm]
  (`pre_adjust_batch_norm=True`). Here they become the moving statistics of
  the network's batch norm layers, which computes the same thing in inference.
- The colourisation head is not in the file: the CVPR code's saver
  (`selfsup/multi/basenets/vgg16.py`, `save_caffemodel`) writes conv1_1 ...
  fc7 and their batch norms only. The converted network's head keeps its
  initial weights; retrain it (`recipes/selfsup_vgg.py`) before using the
  network as a colouriser. The perceptual loss needs the trunk only.

Not verified here: the real file was not downloaded (no network access on the
machine this was written on); the converter is tested on a constructed file of
the layout above. A file whose conv1_1 has three input channels (the CVPR
TensorFlow code feeds grey tiled three times) is accepted: the three input
channels are summed, which gives the same output on grey input.

Usage:

    python -m keras_landmarks.pretrained.colorization_weights \\
        vgg16.caffemodel.h5 colorization_vgg16.keras
"""

import argparse
import logging
import os

import h5py
import numpy as np

from keras_landmarks.losses.colorization_network import BATCH_NORM_EPSILON
from keras_landmarks.losses.colorization_network import FC6_KERNEL_SIZE
from keras_landmarks.losses.colorization_network import FC_CHANNELS
from keras_landmarks.losses.colorization_network import FC_LAYERS
from keras_landmarks.losses.colorization_network import VGG16_BLOCK_CONVS
from keras_landmarks.losses.colorization_network import ColorizationNetwork

logger = logging.getLogger(__name__)

# [imm] README: where the landmark code's authors serve the file.
RELEASED_URL = (
    "http://www.robots.ox.ac.uk/~vgg/research/unsupervised_landmarks/"
    "resources/vgg16.caffemodel.h5"
)
# The Caffe HDF5 net format's root group.
ROOT = "data"
BATCH_NORM_PREFIX = "batch_"


def read_caffe_weights(path):
    """The blobs of a Caffe HDF5 net file: `{layer: {"0": array, "1": ...}}`.

    Raises:
        ValueError: the file is missing, not HDF5, or has no `/data` group.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ValueError(f"Weights file not found: {path}")
    try:
        with h5py.File(path, "r") as file:
            if ROOT not in file or not isinstance(file[ROOT], h5py.Group):
                raise ValueError(
                    f"{path} has no group /{ROOT}: not a Caffe HDF5 net file "
                    f"(top-level keys: {sorted(file)})"
                )
            blobs = {}
            for layer, group in file[ROOT].items():
                if isinstance(group, h5py.Group):
                    blobs[layer] = {
                        key: np.asarray(dataset[()], dtype="float32")
                        for key, dataset in group.items()
                        if isinstance(dataset, h5py.Dataset)
                    }
            return blobs
    except OSError as error:
        raise ValueError(f"Cannot read {path} as HDF5: {error}") from None


def _conv_kernel(blobs, name, source):
    weights = blobs[name].get("0")
    if weights is None:
        raise ValueError(f"{source}: layer {name} has no weights blob '0'")
    if weights.ndim == 2:
        kernel_size = FC6_KERNEL_SIZE if name == "fc6" else 1
        weights = weights.reshape(weights.shape[0], -1, kernel_size, kernel_size)
    if weights.ndim != 4:
        raise ValueError(
            f"{source}: layer {name} weights have shape {weights.shape}; "
            "expected Caffe's (out, in, kh, kw)"
        )
    return weights.transpose(2, 3, 1, 0)


def _batch_norm_statistics(blobs, name, channels, source):
    statistics = blobs.get(BATCH_NORM_PREFIX + name)
    if statistics is None:
        # No batch norm in the file: statistics that make it the identity.
        return np.zeros(channels, "float32"), np.full(
            channels, 1.0 - BATCH_NORM_EPSILON, "float32"
        )
    missing = [key for key in ("0", "1", "2") if key not in statistics]
    if missing:
        raise ValueError(
            f"{source}: {BATCH_NORM_PREFIX}{name} lacks blobs {missing} "
            "(Caffe BatchNorm: mean sum, variance sum, scale factor)"
        )
    scale = float(np.ravel(statistics["2"])[0])
    if scale == 0:
        raise ValueError(f"{source}: {BATCH_NORM_PREFIX}{name} has scale factor 0")
    return statistics["0"] / scale, statistics["1"] / scale


def network_from_caffe_weights(blobs, source="weights file", **network_kwargs):
    """A `ColorizationNetwork` holding the trunk weights of a Caffe file.

    The widths (`block_channels`, `fc_channels`) are read from the file;
    `network_kwargs` set the rest (`hidden_channels`, `bins`, ...).

    Args:
        blobs: as returned by `read_caffe_weights`.
        source: name for error messages.

    Returns:
        `(network, loaded)`: the built network and the names of the layers
        set from the file.

    Raises:
        ValueError: a conv layer is missing or has the wrong shape (the message
            names the layer and both shapes).
    """
    conv_names = [
        f"conv{block + 1}_{i + 1}"
        for block, count in enumerate(VGG16_BLOCK_CONVS)
        for i in range(count)
    ]
    missing = [name for name in conv_names if name not in blobs]
    if missing:
        raise ValueError(
            f"{source} lacks VGG-16 layers {missing} (has: {sorted(blobs)})"
        )
    block_channels = tuple(
        int(blobs[f"conv{block + 1}_1"]["0"].shape[0])
        for block in range(len(VGG16_BLOCK_CONVS))
    )
    fc_channels = int(blobs["fc6"]["0"].shape[0]) if "fc6" in blobs else FC_CHANNELS
    network = ColorizationNetwork(
        block_channels=block_channels, fc_channels=fc_channels, **network_kwargs
    )
    network.build()
    loaded = []
    for name in network.trunk_names:
        if name not in blobs:
            logger.info("%s has no %s; it keeps its initial weights", source, name)
            continue
        conv = network.convs[name]
        kernel = _conv_kernel(blobs, name, source)
        if name == "conv1_1" and kernel.shape[2] == 3:
            kernel = kernel.sum(axis=2, keepdims=True)
        expected = tuple(conv.kernel.shape)
        if kernel.shape != expected:
            raise ValueError(
                f"{source}: layer {name} has kernel shape {kernel.shape} (as "
                f"(kh, kw, in, out)); the network expects {expected}"
            )
        bias = blobs[name].get("1", np.zeros(expected[-1], "float32"))
        if bias.shape != (expected[-1],):
            raise ValueError(
                f"{source}: layer {name} has bias shape {bias.shape}; "
                f"expected {(expected[-1],)}"
            )
        conv.set_weights([kernel, bias])
        mean, variance = _batch_norm_statistics(blobs, name, expected[-1], source)
        network.batch_norms[name].set_weights([mean, variance])
        loaded.append(name)
    return network, loaded


def convert_released_weights(path, output, **network_kwargs):
    """Reads the authors' `vgg16.caffemodel.h5` and saves a Keras network.

    Args:
        path: the Caffe HDF5 file (`RELEASED_URL`).
        output: a `.keras` path; load it as the perceptual loss's network with
            `PerceptualLoss(network="colorization", weights=output)`.
        **network_kwargs: `ColorizationNetwork` arguments not in the file.

    Returns:
        `output`.
    """
    output = os.fspath(output)
    if not output.endswith(".keras"):
        raise ValueError(f"`output` must end in .keras. Received: output={output}")
    network, loaded = network_from_caffe_weights(
        read_caffe_weights(path), source=os.fspath(path), **network_kwargs
    )
    missing_fc = [name for name in FC_LAYERS if name not in loaded]
    logger.info(
        "Loaded %d layers from %s (%s); not in the file: %s; the colourisation "
        "head keeps its initial weights",
        len(loaded),
        path,
        ", ".join(loaded),
        ", ".join(missing_fc) or "none of the trunk",
    )
    # Saved beside the target, then renamed: an interrupted conversion leaves no
    # half-written file where the perceptual loss would look.
    partial = f"{output}.{os.getpid()}.partial.keras"
    try:
        network.save(partial)
        os.replace(partial, output)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return output


def main(argv=None):
    """Converts a `vgg16.caffemodel.h5` and prints the `.keras` file's path."""
    parser = argparse.ArgumentParser(
        prog="python -m keras_landmarks.pretrained.colorization_weights",
        description=(
            "Convert Larsson et al.'s colourisation VGG-16 (the Caffe HDF5 "
            f"vgg16.caffemodel.h5 of the landmark paper's code, {RELEASED_URL}) "
            "into a Keras ColorizationNetwork."
        ),
    )
    parser.add_argument("caffemodel", help="path to vgg16.caffemodel.h5")
    parser.add_argument("output", help="the .keras file to write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(convert_released_weights(args.caffemodel, args.output))


if __name__ == "__main__":
    main()
