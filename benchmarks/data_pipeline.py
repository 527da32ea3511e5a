"""Input-pipeline throughput next to what one training step consumes.

Measures, on the machine it runs on, pairs per second at 128x128 of the
thin-plate-spline pipeline (images in memory and JPEG files) and of the
video-pair pipeline (frames decoded from mp4 files with PyAV, and frame
folders), then the pairs per second that `LandmarkModel(num_keypoints=10,
image_size=128)` consumes in `train_on_batch`, and the ratio (aim: >= 20x,
so the input pipeline never starves training). Nothing is hard-coded: every
number is measured in this run, on fixtures written to a temporary folder.

    PYTHONPATH=. python benchmarks/data_pipeline.py                   # both halves
    PYTHONPATH=. python benchmarks/data_pipeline.py --skip-training   # pipelines
    KERAS_BACKEND=torch PYTHONPATH=. python benchmarks/data_pipeline.py --steps 5

Prints a table and one JSON line (also written to `--json PATH` if given).
The two halves are timed separately: during `fit` they share the CPU cores.
"""

import argparse
import json
import os
import platform
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_landmarks.data import VideoFiles
from keras_landmarks.data import frame_folders
from keras_landmarks.data import frame_pairs
from keras_landmarks.data import image_folder
from keras_landmarks.data import tps_pairs

# Aligned CelebA files are 178 x 218; Human3.6M-like videos are larger than the
# crop, here 320 x 240 so writing the fixtures stays quick.
JPEG_SIZE = (218, 178)
VIDEO_SIZE = (240, 320)


def _smooth_images(count, height, width, seed=0):
    """Random smooth colour images (blurred noise) in [0, 255]."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, (count, height // 8, width // 8, 3))
    images = tf.image.resize(coarse, (height, width), method="bicubic")
    return np.clip(images.numpy(), 0, 255).astype(np.uint8)


def _write_fixtures(folder, image_size):
    import av
    from PIL import Image

    folder = Path(folder)
    (folder / "jpegs").mkdir()
    for i, image in enumerate(_smooth_images(64, *JPEG_SIZE)):
        Image.fromarray(image).save(folder / "jpegs" / f"{i:06d}.jpg", quality=90)
    videos = []
    for v in range(4):
        frames = _smooth_images(8, *VIDEO_SIZE, seed=v + 1)
        path = folder / f"video_{v}.mp4"
        with av.open(str(path), "w") as container:
            stream = container.add_stream("libx264", rate=25)
            stream.height, stream.width = VIDEO_SIZE
            stream.pix_fmt = "yuv420p"
            for t in range(200):
                # Drift between 8 key images so the codec has motion to encode.
                image = np.roll(frames[(t // 25) % 8], t, axis=1)
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        videos.append(str(path))
        frame_dir = folder / "frames" / f"video_{v}"
        frame_dir.mkdir(parents=True)
        for t in range(60):
            Image.fromarray(np.roll(frames[t % 8], t, axis=1)).save(
                frame_dir / f"{t:05d}.jpg", quality=90
            )
    return folder / "jpegs", videos, folder / "frames"


def pairs_per_second(dataset, batch_size, num_pairs):
    """Pairs/s of `dataset.batch(batch_size)` after one warm-up batch."""
    batches = dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
    iterator = iter(batches)
    next(iterator)  # tracing, thread pools, first file opens
    count, start = 0, time.perf_counter()
    while count < num_pairs:
        count += int(next(iterator)["source"].shape[0])
    return count / (time.perf_counter() - start)


def measure_pipelines(image_size, batch_size, num_pairs, folder):
    jpegs, videos, frames = _write_fixtures(folder, image_size)
    in_memory = tf.data.Dataset.from_tensor_slices(
        _smooth_images(64, image_size, image_size).astype(np.float32)
    )
    pipelines = {
        "tps_pairs (images in memory)": tps_pairs(in_memory.repeat(), seed=0),
        "tps_pairs (JPEG folder, decode+resize)": tps_pairs(
            image_folder(jpegs, image_size).repeat(), seed=0
        ),
        "video pairs (mp4, PyAV decode)": frame_pairs(
            VideoFiles(videos), image_size, num_pairs=10**9
        ),
        "video pairs (frame folders, JPEG)": frame_pairs(
            frame_folders(frames), image_size, num_pairs=10**9
        ),
    }
    return {
        name: pairs_per_second(dataset, batch_size, num_pairs)
        for name, dataset in pipelines.items()
    }


def measure_training(image_size, batch_size, steps):
    import keras

    import keras_landmarks

    note = "PerceptualLoss with ImageNet VGG-19 weights"
    try:
        model = keras_landmarks.LandmarkModel(num_keypoints=10, image_size=image_size)
    except Exception as error:  # noqa: BLE001 - e.g. no weights offline
        # Same network and cost, random weights: speed does not depend on them.
        from keras_landmarks.losses import PerceptualLoss

        note = f"random-weight VGG-19 ({type(error).__name__}: weights unavailable)"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the random-weights warning: expected
            loss = PerceptualLoss(weights=None)
        model = keras_landmarks.LandmarkModel(
            num_keypoints=10, image_size=image_size, reconstruction_loss=loss
        )
    model.compile()
    images = _smooth_images(batch_size, image_size, image_size).astype(np.float32)
    batch = next(
        iter(tps_pairs(tf.data.Dataset.from_tensor_slices(images)).batch(batch_size))
    )
    batch = {k: v.numpy() for k, v in batch.items()}
    model.train_on_batch(batch)  # compile / trace
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(batch)
    seconds = time.perf_counter() - start
    return batch_size * steps / seconds, note, keras.backend.backend()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image-size", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=3, help="timed training steps")
    parser.add_argument(
        "--pairs", type=int, default=512, help="timed pairs per pipeline"
    )
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write JSON here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        pipelines = measure_pipelines(
            args.image_size, args.batch_size, args.pairs, folder
        )
    result = {
        "machine": f"{platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} logical CPUs",
        "image_size": args.image_size,
        "batch_size": args.batch_size,
        "pipelines_pairs_per_s": {k: round(v, 1) for k, v in pipelines.items()},
    }
    rows = [(name, f"{rate:9.1f}", "") for name, rate in pipelines.items()]
    if not args.skip_training:
        train_rate, note, backend = measure_training(
            args.image_size, args.batch_size, args.steps
        )
        result.update(
            training_pairs_per_s=round(train_rate, 2),
            training_backend=backend,
            training_loss=note,
            ratio_pipeline_over_training={
                k: round(v / train_rate, 1) for k, v in pipelines.items()
            },
        )
        rows = [(n, r, f"{pipelines[n] / train_rate:7.1f}x") for n, r, _ in rows]
        rows.append((f"training step consumes ({backend})", f"{train_rate:9.2f}", ""))
    width = max(len(r[0]) for r in rows)
    print(f"{'pipeline':<{width}}  {'pairs/s':>9}  {'ratio':>8}")
    for name, rate, ratio in rows:
        print(f"{name:<{width}}  {rate:>9}  {ratio:>8}")
    if not args.skip_training:
        print(f"training: LandmarkModel(num_keypoints=10), {result['training_loss']}")
    line = json.dumps(result)
    print(line)
    if args.json:
        args.json.write_text(line + "\n")


if __name__ == "__main__":
    main()
