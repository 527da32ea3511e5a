"""Analytic FLOP count of one training step of a `LandmarkModel` (convolutions only).

A 2D convolution costs `2 * H_out * W_out * k_h * k_w * C_in / groups * C_out`
FLOPs per example (a multiply and an add per kernel tap, padding taps
included, bias ignored), and so do its two backward passes: the gradient with
respect to its input (a transposed convolution) and the one with respect to
its kernel. One training step therefore needs:

- the trainable networks (detector, appearance encoder, generator): forward,
  input gradient and weight gradient of every conv, except the input gradient
  of a conv that reads the images themselves (nothing upstream needs it; every
  backend prunes it);
- the frozen loss network (`PerceptualLoss`' VGG): forward for the target and
  for the reconstruction, and the input gradient for the reconstruction only;
  no weight gradients, and no backward pass for the target, whose features are
  constants.

That is the "necessary" count, used for GFLOP/s; `PerceptualLoss` runs the
target and the reconstruction through the VGG in separate passes, so the
target's pass has no backward work and this is also what runs.
Batch norm, ReLU, pooling, upsampling, the keypoint bottleneck and the optimizer
are left out: elementwise work, a few percent at most.

Example:

>>> flops = landmark_step_flops(model, batch_size=8)
>>> flops["total"] / 1e9  # GFLOP per step
"""

import dataclasses

import keras

from keras_landmarks.layers.walk_layers import walk_layers


@dataclasses.dataclass(frozen=True)
class ConvCost:
    """One convolution's shapes and its forward FLOPs for one example."""

    name: str
    input_shape: tuple  # (H, W, C_in)
    output_shape: tuple  # (H_out, W_out, C_out)
    kernel_size: tuple  # (k_h, k_w)
    flops: int


def conv_cost(conv, input_shape):
    """The `ConvCost` of a built `keras.layers.Conv2D` on `(H, W, C_in)` inputs."""
    input_shape = tuple(input_shape)
    if len(input_shape) != 3 or any(d is None for d in input_shape):
        raise ValueError(
            f"{conv.name}: need a fully defined (H, W, C_in) input shape. "
            f"Received: input_shape={input_shape}"
        )
    output_shape = tuple(conv.compute_output_shape((1, *input_shape))[1:])
    kernel_h, kernel_w = conv.kernel_size
    height, width, filters = output_shape
    flops = (
        2 * height * width * kernel_h * kernel_w * (input_shape[-1] // conv.groups)
    ) * filters
    return ConvCost(
        conv.path, input_shape, output_shape, (kernel_h, kernel_w), int(flops)
    )


def built_conv_costs(layer):
    """`ConvCost`s of every `Conv2D` inside `layer`, from the shapes they were built on.

    The model's own networks are built on the full image shape, so each conv
    knows its input shape; a network built on `(None, None, None, C)` inputs
    (a fully convolutional loss network) needs `chain_conv_costs` instead.
    """
    costs = []
    for sublayer in walk_layers(layer):
        if not isinstance(sublayer, keras.layers.Conv2D):
            continue
        config = sublayer.get_build_config() or {}
        shape = config.get("input_shape")
        if shape is None:
            raise ValueError(f"{sublayer.path} is not built: no input shape.")
        costs.append(conv_cost(sublayer, shape[1:]))
    return sorted(costs, key=lambda cost: cost.name)


def chain_conv_costs(model, input_shape):
    """`ConvCost`s of a functional model whose layers form one chain (a VGG).

    Shapes are propagated from `input_shape` `(H, W, C)` layer by layer with
    `compute_output_shape`, since such a model is usually built with unknown
    spatial dimensions.
    """
    costs = []
    shape = (1, *input_shape)
    previous = None
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            previous = layer
            continue
        if previous is not None and layer.input is not previous.output:
            raise ValueError(
                f"{model.name} is not a chain of layers: {layer.name} does not "
                f"take {previous.name}'s output, so its shapes cannot be walked."
            )
        if isinstance(layer, keras.layers.Conv2D):
            costs.append(conv_cost(layer, shape[1:]))
        shape = tuple(layer.compute_output_shape(shape))
        previous = layer
    return costs


def loss_network_conv_costs(reconstruction_loss, image_shape):
    """`ConvCost`s of a `PerceptualLoss`' network on `(H, W, 3)` images (or [])."""
    network = getattr(reconstruction_loss, "network", None)
    if network is None:
        return []
    # `VGGFeatures` wraps the truncated keras.applications model.
    model = getattr(network, "model", network)
    return chain_conv_costs(model, image_shape)


def landmark_step_flops(model, batch_size):
    """FLOPs of one training step of `model` on `batch_size` pairs.

    Args:
        model: a built `LandmarkModel`.
        batch_size: int, pairs per step.

    Returns:
        Dict of ints (FLOPs per step): `"trainable"` and `"loss_network"`, each
        a dict of `"forward"`, `"input_grad"`, `"weight_grad"`;
        `"per_network"`, the forward FLOPs of each network; `"total"`; plus
        `"batch_size"`, `"image_size"` and `"convs"`, the `ConvCost`s as dicts.
    """
    if batch_size < 1:
        raise ValueError(f"`batch_size` must be >= 1. Received: {batch_size}")
    image_shape = (*model.image_size, 3)
    trainable = {"forward": 0, "input_grad": 0, "weight_grad": 0}
    per_network = {}
    convs = []
    for network in (model.detector, model.appearance_encoder, model.generator):
        costs = built_conv_costs(network)
        per_network[network.name] = batch_size * sum(c.flops for c in costs)
        for cost in costs:
            flops = batch_size * cost.flops
            trainable["forward"] += flops
            trainable["weight_grad"] += flops
            # A conv on the images themselves: no gradient flows further back.
            if cost.input_shape != image_shape:
                trainable["input_grad"] += flops
            convs.append(dict(dataclasses.asdict(cost), role="trainable"))
    loss_costs = loss_network_conv_costs(model.reconstruction_loss, image_shape)
    per_image = sum(c.flops for c in loss_costs)
    loss_network = {
        # Target and reconstruction.
        "forward": 2 * batch_size * per_image,
        # Reconstruction only; the target's features are constants.
        "input_grad": batch_size * per_image,
        "weight_grad": 0,
    }
    per_network["loss_network"] = 2 * batch_size * per_image
    convs += [dict(dataclasses.asdict(c), role="frozen") for c in loss_costs]
    necessary = sum(trainable.values()) + (
        loss_network["forward"] + loss_network["input_grad"]
    )
    return {
        "batch_size": batch_size,
        "image_size": tuple(model.image_size),
        "trainable": trainable,
        "loss_network": loss_network,
        "per_network": per_network,
        "total": necessary,
        "convs": convs,
    }
