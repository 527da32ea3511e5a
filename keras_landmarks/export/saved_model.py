"""SavedModel export for TensorFlow Serving."""

import os
import shutil
import subprocess
import sys
import tempfile

import keras

from keras_landmarks.integers import is_integer

SERVING_SIGNATURE = "serving_default"
RECONSTRUCT_SIGNATURE = "reconstruct"


def _next_version(base_dir):
    versions = [int(name) for name in os.listdir(base_dir) if name.isdigit()]
    return max(versions, default=0) + 1


def export_saved_model(model, base_dir, version=None, overwrite=False):
    """Writes `base_dir/<version>/`, a SavedModel that TensorFlow Serving loads.

    Signatures (images are float32 RGB in [0, 255], `(N, H, W, 3)` with the
    model's `H, W`; N is dynamic):

    - `serving_default`: input `images`; outputs `keypoints` `(N, K, 2)` pixel
      (x, y) (pixel centres at integer coordinates) and `heatmaps`
      `(N, h, w, K)` raw detector logits.
    - `reconstruct`: inputs `source`, `target`; output `reconstruction`
      `(N, H, W, 3)` on the [0, 255] scale (unclipped).

    The graph needs only TensorFlow to run. From the JAX and PyTorch backends
    the model is saved, reloaded under TensorFlow in a subprocess and exported
    from there (the weights do not depend on the backend).

    Args:
        model: a `LandmarkModel`.
        base_dir: the model's folder (`--model_base_path` of TF Serving).
        version: int, default one more than the highest existing version.
        overwrite: bool, default False. Replace an existing version (whole:
            its old files are deleted).

    The version is written into a temporary folder in `base_dir` and renamed
    into place, so TF Serving never sees a half-written version.

    Returns:
        The path of the version folder.
    """
    base_dir = os.fspath(base_dir)
    if os.path.exists(base_dir) and not os.path.isdir(base_dir):
        raise ValueError(f"{base_dir} is a file; the SavedModel needs a folder.")
    if version is not None and (not is_integer(version) or version < 1):
        raise ValueError(
            f"`version` must be a positive int. Received: version={version!r}"
        )
    created = not os.path.exists(base_dir)
    os.makedirs(base_dir, exist_ok=True)
    try:
        version = _next_version(base_dir) if version is None else int(version)
        path = os.path.join(base_dir, str(version))
        if os.path.exists(path) and not overwrite:
            raise ValueError(
                f"{path} exists; pass a new version or overwrite=True "
                "(TF Serving reloads a version folder only when it is new)."
            )
        _write_then_rename(model, base_dir, path)
    except BaseException:
        if created:  # leave no empty model folder behind
            shutil.rmtree(base_dir, ignore_errors=True)
        raise
    return path


def _write_then_rename(model, base_dir, path):
    # TF Serving polls base_dir for numeric folders: the version is written
    # under a name it ignores (not a number) and renamed into place whole; an
    # old version is moved aside first and deleted after, so none of its files
    # survive into the new one. (A directory cannot be renamed over a
    # non-empty one, so an overwritten version is absent for one rename.)
    staging = tempfile.mkdtemp(prefix=".export-", dir=base_dir)
    try:
        written = os.path.join(staging, "version")
        if keras.backend.backend() == "tensorflow":
            _export_from_tensorflow(model, written)
        else:
            _export_in_subprocess(model, written)
        if os.path.exists(path):
            os.rename(path, os.path.join(staging, "old"))
        os.rename(written, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _export_in_subprocess(model, path):
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.path.join(tmp, "model.keras")
        model.save(saved)
        env = dict(os.environ, KERAS_BACKEND="tensorflow")
        code = (
            "import sys, keras, keras_landmarks\n"
            "from keras_landmarks.export.saved_model import _export_from_tensorflow\n"
            "model = keras.saving.load_model(sys.argv[1])\n"
            "_export_from_tensorflow(model, sys.argv[2])\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, saved, path],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(
                "Exporting under the TensorFlow backend failed:\n"
                + result.stderr[-4000:]
            )


def _export_from_tensorflow(model, path):
    import tensorflow as tf

    height, width = model.image_size
    scale = tf.constant([width - 1, height - 1], tf.float32)

    def checked(images, name):
        shape = tf.shape(images)
        message = (
            f"`{name}` must be a float32 batch (N, {height}, {width}, 3) of RGB "
            "images in [0, 255]"
        )
        checks = [
            tf.debugging.assert_equal(tf.rank(images), 4, message=message),
            tf.debugging.assert_equal(shape[1:], [height, width, 3], message=message),
        ]
        with tf.control_dependencies(checks):  # fail before any conv runs
            # One NaN or inf pixel would spread through the convolutions and
            # turn every keypoint of its image into NaN: refuse it instead.
            return tf.debugging.assert_all_finite(
                images,
                f"`{name}` has NaN or inf pixels; send finite values in [0, 255]",
            )

    def detect(images):
        images = checked(images, "images")
        keypoints, heatmaps = model.detect(images)
        pixels = (keypoints + 1.0) / 2.0 * scale
        # float32 signatures under a mixed dtype policy too.
        return {"keypoints": pixels, "heatmaps": tf.cast(heatmaps, tf.float32)}

    def reconstruct(source, target):
        source = checked(source, "source")
        target = checked(target, "target")
        out = model({"source": source, "target": target}, training=False)
        return {"reconstruction": tf.cast(out["reconstruction"], tf.float32)}

    archive = keras.export.ExportArchive()
    archive.track(model)
    image_spec = tf.TensorSpec((None, height, width, 3), tf.float32)
    archive.add_endpoint(
        SERVING_SIGNATURE,
        tf.function(
            detect,
            input_signature=[
                tf.TensorSpec(image_spec.shape, tf.float32, name="images")
            ],
        ),
    )
    archive.add_endpoint(
        RECONSTRUCT_SIGNATURE,
        tf.function(
            reconstruct,
            input_signature=[
                tf.TensorSpec(image_spec.shape, tf.float32, name="source"),
                tf.TensorSpec(image_spec.shape, tf.float32, name="target"),
            ],
        ),
    )
    archive.write_out(path, verbose=False)
