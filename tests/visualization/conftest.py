import keras
import pytest

import keras_landmarks as kl


@pytest.fixture(scope="session")
def tiny_model():
    """One small random-weight model for every picture test (built once: on JAX
    building and each new batch shape cost seconds). Pictures only call it in
    inference mode, so sharing it is safe."""
    keras.utils.set_random_seed(0)
    return kl.LandmarkModel(
        num_keypoints=4,
        image_size=32,
        encoder_filters=(8, 8, 16, 16),
        encoder_strides=(1, 2, 1, 2),
        generator_filters=(16, 8, 8),
        reconstruction_loss=kl.losses.PixelLoss(),
    )
