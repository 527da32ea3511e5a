"""The paper configuration's training step in plain PyTorch, for comparison.

A self-contained script (PyTorch only, no Keras, no keras_landmarks) of the step
that `benchmarks/train_step.py` times for keras-landmarks, written from the
reference architecture (the authors' code, as described in the project's notes)
with keras-landmarks' `paper_model` as the spec: detector (8 conv + batch norm +
ReLU, channels 32..256, stride 2 at convs 3, 5 and 7, then a 1x1 conv to K
heatmaps), the separable soft-argmax and the Gaussian maps (float32), the
appearance encoder (the same trunk, its own weights), the generator (two conv
blocks per resolution, TF1-style bilinear x2 upsampling, 256 -> 128 -> 64 -> 32
channels, a linear 3x3 conv to RGB), the perceptual loss (the raw image and a
frozen VGG's conv1_2 ... conv5_2 after ReLU, masked mean squared differences,
each divided by its running mean updated with this batch, times 1000), L2 weight
decay 1e-5 (TF1 convention, λΣw²/2) on the conv kernels, and Adam (lr 1e-3,
betas 0.9 / 0.999, eps 1e-8) after clipping every gradient to norm 1 on its own.
Tensors are channels-last; `mixed_bfloat16` runs the step under
`torch.autocast("cpu", torch.bfloat16)` with the bottleneck and the loss terms
in float32, as keras-landmarks' mixed policy does.

Two deliberate simplifications that change no FLOP and no shape: convolutions
pad symmetrically (`k // 2`) where TensorFlow's SAME pads a stride-2 conv on the
bottom/right only, and the loss mask is subsampled to each feature map (what the
reference's TF1 bilinear resize does at integer factors).

For one configuration and each precision it times the step after warm-up (the
median of `--steps`) and counts the step's FLOPs with
`torch.utils.flop_counter.FlopCounterMode` over one more step: the dispatched
convolutions and their backward passes, an independent check of
keras-landmarks' analytic count (`kl.profiling.landmark_step_flops`), which it
equals (tests/benchmarks/test_plain_pytorch_step.py). The rows have the layout of
`train_step.py`'s step rows (`mode` "plain-pytorch"), which runs this script in
its own process with `--with-plain-pytorch`.

    python benchmarks/plain_pytorch_step.py                  # 128x128, batch 8, K=10
    python benchmarks/plain_pytorch_step.py --image-size 32 --batch 2 --steps 2
    python benchmarks/plain_pytorch_step.py --precisions mixed_bfloat16 --op-table 25

Prints one line per precision and the JSON result as the last line (also
written to `--json PATH`).
"""

import argparse
import json
import math
import os
import platform
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

CONFIG = "paper"
MODE = "plain-pytorch"
PRECISIONS = ("float32", "mixed_bfloat16")
# The paper configuration as train_step.py times it.
IMAGE_SIZE = 128
BATCH_SIZE = 8
NUM_KEYPOINTS = 10
# Reference code: encoder channels and strides, 7x7 first kernel then 3x3.
ENCODER_FILTERS = (32, 32, 64, 64, 128, 128, 256, 256)
ENCODER_STRIDES = (1, 1, 2, 1, 2, 1, 2, 1)
FIRST_KERNEL_SIZE = 7
# Reference code: generator channels per resolution, from 16x16 up.
GENERATOR_FILTERS = (256, 128, 64, 32)
# Reference code: truncated normal std 0.01 (cut at 2 std, as Keras'), biases 0.
KERNEL_INIT_STD = 0.01
# Reference code (Keras convention): running stats keep 0.99 of the old value;
# PyTorch's `momentum` is the weight of the new value, 1 - 0.99.
BATCH_NORM_MOMENTUM = 0.99
BATCH_NORM_EPSILON = 1e-3
# Reference code: TF1 `l2_regularizer(1e-5)`, which adds 1e-5 * Σw² / 2.
WEIGHT_DECAY = 1e-5
# Reference code: Gaussian maps exp(-d² / std²).
GAUSSIAN_STD = 0.1
# VGG convs per block (VGG-16, VGG-19) and block widths; the loss reads the
# second conv of each block after its ReLU, so the last block stops there.
VGG_BLOCK_CONVS = {"vgg16": (2, 2, 3, 3, 2), "vgg19": (2, 2, 4, 4, 2)}
VGG_WIDTHS = (64, 128, 256, 512, 512)
VGG_FEATURE_CONV = 2  # conv{block}_2
# keras.applications' VGG preprocessing: BGR, Caffe ImageNet mean subtracted.
CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
# Reference code: w <- w + 0.01 (m - w), loss = 1000 * Σ m / w.
NORMALIZER_DECAY = 0.99
NORMALIZER_FLOOR = 1e-12
LOSS_SCALE = 1000.0
# Reference code: Adam and per-tensor gradient clipping.
LEARNING_RATE = 1e-3
ADAM_BETAS = (0.9, 0.999)
ADAM_EPSILON = 1e-8
CLIP_NORM = 1.0
SEED = 0


def conv2d(in_channels, out_channels, kernel_size, stride=1, reference_init=True):
    """A conv with bias, initialised as the reference's (or PyTorch's default,
    which is quicker to draw for the frozen VGG's random weights)."""
    conv = nn.Conv2d(
        in_channels, out_channels, kernel_size, stride, padding=kernel_size // 2
    )
    if not reference_init:
        return conv
    nn.init.trunc_normal_(
        conv.weight, std=KERNEL_INIT_STD, a=-2 * KERNEL_INIT_STD, b=2 * KERNEL_INIT_STD
    )
    nn.init.zeros_(conv.bias)
    return conv


def conv_block(in_channels, out_channels, kernel_size=3, stride=1):
    """Conv -> batch norm -> ReLU."""
    return nn.Sequential(
        conv2d(in_channels, out_channels, kernel_size, stride),
        nn.BatchNorm2d(
            out_channels, eps=BATCH_NORM_EPSILON, momentum=1 - BATCH_NORM_MOMENTUM
        ),
        nn.ReLU(inplace=True),
    )


def encoder(filters=ENCODER_FILTERS, strides=ENCODER_STRIDES):
    """The conv trunk of the detector and of the appearance encoder."""
    blocks, channels = [], 3
    for i, (width, stride) in enumerate(zip(filters, strides, strict=True)):
        kernel = FIRST_KERNEL_SIZE if i == 0 else 3
        blocks.append(conv_block(channels, width, kernel, stride))
        channels = width
    return nn.Sequential(*blocks)


def upsample_tf1_bilinear(x):
    """x2 bilinear upsampling as TF1's `resize_bilinear(align_corners=False)`:
    output 2i is input i, output 2i + 1 the mean of inputs i and i + 1 (the
    last one repeated at the border)."""
    for dim in (2, 3):
        length = x.shape[dim]
        upper = torch.cat([x.narrow(dim, 1, length - 1), x.narrow(dim, -1, 1)], dim)
        x = torch.stack([x, 0.5 * (x + upper)], dim + 1).flatten(dim, dim + 1)
    return x.contiguous(memory_format=torch.channels_last)


class Generator(nn.Module):
    """Appearance features + Gaussian maps at the lowest resolution -> RGB."""

    def __init__(self, in_channels, filters=GENERATOR_FILTERS):
        super().__init__()
        self.levels = nn.ModuleList()
        for level, width in enumerate(filters):
            blocks = 1 if level == len(filters) - 1 else 2
            self.levels.append(
                nn.Sequential(
                    *[
                        conv_block(in_channels if i == 0 else width, width)
                        for i in range(blocks)
                    ]
                )
            )
            in_channels = width
        self.to_image = conv2d(filters[-1], 3, 3)

    def forward(self, features, maps):
        x = torch.cat([features, maps.to(features.dtype)], dim=1)
        for level, blocks in enumerate(self.levels):
            if level > 0:
                x = upsample_tf1_bilinear(x)
            x = blocks(x)
        return self.to_image(x)


def heatmaps_to_keypoints(heatmaps):
    """Separable soft-argmax of `(B, K, H, W)` logits -> `(B, K, 2)` (x, y)."""
    heatmaps = heatmaps.float()
    height, width = heatmaps.shape[2:]
    prob_y = torch.softmax(heatmaps.mean(dim=3), dim=2)  # (B, K, H)
    prob_x = torch.softmax(heatmaps.mean(dim=2), dim=2)  # (B, K, W)
    y = (prob_y * torch.linspace(-1.0, 1.0, height)).sum(dim=2)
    x = (prob_x * torch.linspace(-1.0, 1.0, width)).sum(dim=2)
    return torch.stack([x, y], dim=-1)


def keypoints_to_maps(keypoints, height, width, std=GAUSSIAN_STD):
    """`(B, K, 2)` (x, y) points -> `(B, K, height, width)` Gaussians, peak 1."""
    mu_x = keypoints[:, :, 0, None, None]
    mu_y = keypoints[:, :, 1, None, None]
    y = torch.linspace(-1.0, 1.0, height)[:, None]
    x = torch.linspace(-1.0, 1.0, width)[None, :]
    maps = torch.exp(-((y - mu_y) ** 2 + (x - mu_x) ** 2) / std**2)
    return maps.contiguous(memory_format=torch.channels_last)


class VGGFeatures(nn.Module):
    """A frozen VGG to conv5_2; returns the second conv of each block after ReLU.

    Random weights: they time the same as ImageNet ones (as train_step.py's).
    """

    def __init__(self, network="vgg16"):
        super().__init__()
        if network not in VGG_BLOCK_CONVS:
            raise ValueError(
                f"`network` must be one of {tuple(VGG_BLOCK_CONVS)}. "
                f"Received: network={network!r}"
            )
        self.blocks = nn.ModuleList()
        channels = 3
        for count, width in zip(VGG_BLOCK_CONVS[network], VGG_WIDTHS, strict=True):
            convs = [conv2d(channels, width, 3, reference_init=False)]
            convs += [
                conv2d(width, width, 3, reference_init=False) for _ in range(count - 1)
            ]
            self.blocks.append(nn.ModuleList(convs))
            channels = width
        self.register_buffer("mean", torch.tensor(CAFFE_BGR_MEAN).view(1, 3, 1, 1))
        self.requires_grad_(False)

    def forward(self, images):
        x = images.flip(1) - self.mean
        features = []
        for b, convs in enumerate(self.blocks):
            if b > 0:
                x = F.max_pool2d(x, 2)
            for i, conv in enumerate(convs):
                x = F.relu(conv(x))
                if i + 1 == VGG_FEATURE_CONV:
                    features.append(x)
        return features


class PerceptualLoss(nn.Module):
    """Masked mean squared differences of the image and its VGG features, each
    divided by its running mean (updated with this batch, used in this step)."""

    def __init__(self, network="vgg16"):
        super().__init__()
        self.vgg = VGGFeatures(network)
        num_terms = 1 + len(VGG_WIDTHS)
        self.register_buffer("normalizers", torch.ones(num_terms))
        # The first batch's terms start the running means (keras-landmarks'
        # default, "first_batch").
        self.ready = False

    def forward(self, target, reconstruction, mask):
        with torch.no_grad():
            target_features = self.vgg(target)
        pairs = [(target, reconstruction)]
        pairs += zip(target_features, self.vgg(reconstruction), strict=True)
        with torch.autocast("cpu", enabled=False):
            terms = []
            for gt, pred in pairs:
                factor = mask.shape[2] // gt.shape[2]
                squared = (gt.float() - pred.float()) ** 2
                terms.append((squared * mask[:, :, ::factor, ::factor]).mean())
            terms = torch.stack(terms)
            previous = self.normalizers.clone() if self.ready else terms.detach()
            normalizers = previous + (1.0 - NORMALIZER_DECAY) * (terms - previous)
            self.normalizers.copy_(normalizers.detach())
            self.ready = True
            return LOSS_SCALE * (terms / normalizers.clamp_min(NORMALIZER_FLOOR)).sum()


class LandmarkStep(nn.Module):
    """The trainable networks and the loss.

    `forward(source, target, mask)` returns the step's loss: the perceptual
    loss of the target's reconstruction plus the weight decay.
    """

    def __init__(self, num_keypoints=NUM_KEYPOINTS, vgg="vgg16"):
        super().__init__()
        self.detector = nn.Sequential(
            encoder(), conv2d(ENCODER_FILTERS[-1], num_keypoints, 1)
        )
        self.appearance_encoder = encoder()
        self.generator = Generator(ENCODER_FILTERS[-1] + num_keypoints)
        self.loss = PerceptualLoss(vgg)

    def trainable_parameters(self):
        return [p for p in self.parameters() if p.requires_grad]

    def forward(self, source, target, mask):
        heatmaps = self.detector(target)
        with torch.autocast("cpu", enabled=False):
            keypoints = heatmaps_to_keypoints(heatmaps)
            maps = keypoints_to_maps(keypoints, *heatmaps.shape[2:])
        reconstruction = self.generator(self.appearance_encoder(source), maps)
        loss = self.loss(target, reconstruction, mask)
        # On conv kernels only (the 4-D parameters), as the reference.
        kernels = [p for p in self.trainable_parameters() if p.ndim == 4]
        decay = WEIGHT_DECAY / 2 * sum(kernel.pow(2).sum() for kernel in kernels)
        return loss + decay


def random_batch(batch_size, image_size, seed=SEED):
    """Random source and target images on [0, 255] and a mask on [0, 1],
    channels-last `(B, C, H, W)` tensors."""
    generator = torch.Generator().manual_seed(seed)
    shape = (batch_size, image_size, image_size)

    def nhwc(channels, scale):
        x = torch.rand((*shape, channels), generator=generator) * scale
        return x.permute(0, 3, 1, 2)  # channels-last strides, NCHW shape

    return {"source": nhwc(3, 255.0), "target": nhwc(3, 255.0), "mask": nhwc(1, 1.0)}


def make_optimizer(parameters):
    return torch.optim.Adam(
        parameters, lr=LEARNING_RATE, betas=ADAM_BETAS, eps=ADAM_EPSILON
    )


def train_step(model, optimizer, batch, precision):
    """One step: forward under the precision, backward, clip per tensor, Adam."""
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast("cpu", torch.bfloat16, enabled=precision == "mixed_bfloat16"):
        loss = model(batch["source"], batch["target"], batch["mask"])
    loss.backward()
    for parameter in model.trainable_parameters():
        # Keras' `clipnorm`: g * clip / max(|g|, clip), each tensor on its own.
        norm = torch.linalg.vector_norm(parameter.grad)
        parameter.grad.mul_(CLIP_NORM / torch.clamp(norm, min=CLIP_NORM))
    optimizer.step()
    return loss.detach()


def build(image_size, num_keypoints, vgg, seed=SEED):
    """A seeded channels-last `LandmarkStep` in training mode and its Adam."""
    torch.manual_seed(seed)
    factor = math.prod(ENCODER_STRIDES)
    if image_size < 4 * factor or image_size % factor:
        raise ValueError(
            f"`image_size` must be a multiple of {factor} and at least "
            f"{4 * factor}. Received: image_size={image_size}"
        )
    model = LandmarkStep(num_keypoints, vgg).to(memory_format=torch.channels_last)
    model.train()
    return model, make_optimizer(model.trainable_parameters())


def count_step_flops(model, optimizer, batch, precision="float32"):
    """FLOPs of one training step as `FlopCounterMode` counts the dispatched ops
    (convolutions and their backward passes), and their split by op."""
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter:
        train_step(model, optimizer, batch, precision)
    by_op = {str(op): int(n) for op, n in counter.get_flop_counts()["Global"].items()}
    return counter.get_total_flops(), by_op


def op_table(model, optimizer, batch, precision, limit, steps):
    """The `torch.profiler` table of `steps` steps' operators by self CPU time."""
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as p:
        for _ in range(steps):
            train_step(model, optimizer, batch, precision)
    return p.key_averages().table(sort_by="self_cpu_time_total", row_limit=limit)


def measure(precision, image_size, batch_size, num_keypoints, vgg, steps, warmup):
    """One row: median seconds per step after warm-up, and the step's FLOPs."""
    model, optimizer = build(image_size, num_keypoints, vgg)
    batch = random_batch(batch_size, image_size)
    start = time.perf_counter()
    train_step(model, optimizer, batch, precision)
    first = time.perf_counter() - start
    for _ in range(warmup):
        train_step(model, optimizer, batch, precision)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        loss = float(train_step(model, optimizer, batch, precision))
        times.append(time.perf_counter() - start)
    flops, by_op = count_step_flops(model, optimizer, batch, precision)
    median = statistics.median(times)
    return (
        {
            "config": CONFIG,
            "mode": MODE,
            "precision": precision,
            "image_size": image_size,
            "batch_size": batch_size,
            "first_step_s": first,
            "median_step_s": median,
            "min_step_s": min(times),
            "steps": len(times),
            "finite_loss": math.isfinite(loss),
            "flops": flops,
            "gflops": flops / median / 1e9,
            "flops_breakdown": by_op,
        },
        (model, optimizer, batch),
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image-size", type=int, default=IMAGE_SIZE)
    parser.add_argument("--batch", type=int, default=BATCH_SIZE)
    parser.add_argument("--keypoints", type=int, default=NUM_KEYPOINTS)
    parser.add_argument("--vgg", default="vgg16", choices=tuple(VGG_BLOCK_CONVS))
    parser.add_argument(
        "--precisions", default=",".join(PRECISIONS), help="float32,mixed_bfloat16"
    )
    parser.add_argument("--steps", type=int, default=5, help="timed steps")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch.set_num_threads"
    )
    parser.add_argument(
        "--op-table",
        type=int,
        default=0,
        metavar="N",
        help="also print the N operators with the most self CPU time over "
        "--steps more steps, per precision (torch.profiler)",
    )
    parser.add_argument("--json", default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    args.precisions = [p for p in args.precisions.split(",") if p]
    unknown = sorted(set(args.precisions) - set(PRECISIONS))
    if unknown or not args.precisions:
        parser.error(
            f"--precisions must be among {PRECISIONS}. Received: {unknown or 'none'}"
        )
    for name in ("steps", "batch", "keypoints", "image_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.warmup < 0 or args.op_table < 0:
        parser.error("--warmup and --op-table must be >= 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    load_start = list(os.getloadavg())
    rows, tables = [], {}
    for precision in args.precisions:
        row, state = measure(
            precision,
            args.image_size,
            args.batch,
            args.keypoints,
            args.vgg,
            args.steps,
            args.warmup,
        )
        rows.append(row)
        print(f"  {MODE} {precision}: {row['median_step_s']:.4f} s/step", flush=True)
        if args.op_table:
            tables[precision] = op_table(*state, precision, args.op_table, args.steps)
            print(f"{MODE} {precision}, {args.steps} steps:\n{tables[precision]}")
    result = {
        "machine": {
            "python": platform.python_version(),
            "torch_version": torch.__version__,
            "torch_num_threads": torch.get_num_threads(),
            "load_average_start": load_start,
            "load_average_end": list(os.getloadavg()),
        },
        "settings": {
            "image_size": args.image_size,
            "batch_size": args.batch,
            "num_keypoints": args.keypoints,
            "vgg": args.vgg,
            "precisions": args.precisions,
            "steps": args.steps,
            "warmup": args.warmup,
            "channels_last": True,
        },
        "steps": rows,
        "op_tables": tables,
    }
    line = json.dumps(result)
    print(line)
    if args.json:
        with open(args.json, "w") as f:
            f.write(line + "\n")
    return result


if __name__ == "__main__":
    main()
