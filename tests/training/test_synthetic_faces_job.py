import pytest

from keras_landmarks.training import synthetic_faces_job
from tests.helpers import tiny_model


@pytest.fixture
def no_drawing(monkeypatch):
    """Fails the test if any face is drawn."""

    def refuse(*args, **kwargs):
        raise AssertionError("faces were drawn before the size was checked")

    monkeypatch.setattr(synthetic_faces_job, "_faces", refuse)


def test_a_size_the_networks_cannot_take_fails_before_drawing(tmp_path, no_drawing):
    with pytest.raises(ValueError, match="multiple of 4"):
        synthetic_faces_job.run_synthetic_faces(tmp_path, steps=1, image_size=18)


def test_a_model_of_another_size_fails_before_drawing(tmp_path, no_drawing):
    model = tiny_model()  # 32x32
    with pytest.raises(ValueError, match="takes 32x32 images but image_size=48"):
        synthetic_faces_job.run_synthetic_faces(
            tmp_path, steps=1, image_size=48, model=model
        )
