import keras
import numpy as np

from keras_landmarks.losses.pixel_loss import PixelLoss
from keras_landmarks.models.adversarial_landmark_model import AdversarialLandmarkModel
from keras_landmarks.models.discriminator import PatchDiscriminator
from tests.helpers import TINY
from tests.helpers import to_numpy
from tests.helpers import toy_pairs


def _model():
    keras.utils.set_random_seed(0)
    return AdversarialLandmarkModel(
        num_keypoints=4,
        image_size=32,
        reconstruction_loss=PixelLoss("l1"),
        discriminator=PatchDiscriminator((4, 8), name="discriminator"),
        adversarial_weight=0.5,
        **TINY,
    )


def test_one_optimizer_trains_both_players_and_reports_terms(tmp_path):
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    d_before = [to_numpy(w).copy() for w in model.discriminator.trainable_weights]
    g_before = [to_numpy(w).copy() for w in model.generator.trainable_weights]
    history = model.fit(toy_pairs(4), batch_size=2, epochs=1, verbose=0)
    for key in (
        "discriminator_loss",
        "generator_adversarial_loss",
        "reconstruction_loss",
    ):
        assert np.isfinite(history.history[key][0])
    d_after = [to_numpy(w) for w in model.discriminator.trainable_weights]
    g_after = [to_numpy(w) for w in model.generator.trainable_weights]
    assert any(not np.array_equal(a, b) for a, b in zip(d_before, d_after, strict=True))
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, g_after, strict=True))

    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, AdversarialLandmarkModel)
    assert loaded.adversarial_weight == 0.5
    images = toy_pairs(2)["target"]
    np.testing.assert_allclose(
        to_numpy(loaded.discriminator(images)),
        to_numpy(model.discriminator(images)),
        atol=1e-6,
    )
