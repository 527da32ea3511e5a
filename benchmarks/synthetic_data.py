"""Throughput of the synthetic data generators, measured on this machine.

Draws faces and figure frames at 64x64 in one process and prints images per
second for this run (best of `--repeats` timed runs, after one warm-up call).
The target for the CPU demo is at least 500 images/s.

    python benchmarks/synthetic_data.py            # with the package installed
    PYTHONPATH=. python benchmarks/synthetic_data.py --num-images 2000

Generating 8000 faces for training therefore takes seconds, not minutes.
"""

import argparse
import os
import time

from keras_landmarks.data.synthetic.faces import make_faces
from keras_landmarks.data.synthetic.figures import make_figure_sequences


def best_rate(function, num_images, repeats):
    """Images per second of the fastest of `repeats` calls of `function`."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return num_images / best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-images", type=int, default=2000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--sequence-length", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    make_faces(16, size=args.size)  # warm-up
    faces = best_rate(
        lambda: make_faces(args.num_images, size=args.size, seed=1),
        args.num_images,
        args.repeats,
    )
    num_sequences = max(1, args.num_images // args.sequence_length)
    num_frames = num_sequences * args.sequence_length
    figures = best_rate(
        lambda: make_figure_sequences(
            num_sequences, args.sequence_length, size=args.size, seed=1
        ),
        num_frames,
        args.repeats,
    )
    print(
        f"{args.size}x{args.size}, single process, {os.cpu_count()} CPUs visible, "
        f"best of {args.repeats}:"
    )
    print(f"  make_faces:            {faces:8.0f} images/s ({args.num_images} images)")
    print(
        f"  make_figure_sequences: {figures:8.0f} frames/s "
        f"({num_sequences} sequences x {args.sequence_length} frames)"
    )


if __name__ == "__main__":
    main()
