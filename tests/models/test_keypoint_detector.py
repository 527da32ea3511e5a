import json

import keras
import numpy as np
import pytest

from keras_landmarks.layers import DenseBottleneck
from keras_landmarks.models import KeypointDetector
from tests.helpers import tiny_model
from tests.helpers import toy_pairs
from tests.presets.fixtures import set_every_variable


@pytest.fixture
def trained():
    model = tiny_model()
    set_every_variable(model)
    return model


def test_same_keypoints_as_the_landmark_model(trained):
    detector = KeypointDetector.from_landmark_model(trained)
    images = toy_pairs(3, seed=2)["target"]
    np.testing.assert_array_equal(
        detector.predict_keypoints(images), trained.predict_keypoints(images)
    )
    outputs = detector(images)
    expected, heatmaps = trained.detect(images)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(outputs["keypoints"]),
        keras.ops.convert_to_numpy(expected),
    )
    assert tuple(outputs["heatmaps"].shape) == tuple(heatmaps.shape)
    # The detector only: no generator, appearance encoder or loss weights.
    assert detector.count_params() == trained.detector.count_params()


def test_keras_file_round_trip(trained, tmp_path):
    detector = KeypointDetector.from_landmark_model(trained)
    detector.save(tmp_path / "detector.keras")
    loaded = keras.saving.load_model(tmp_path / "detector.keras")
    assert isinstance(loaded, KeypointDetector)
    assert json.dumps(loaded.get_config()) == json.dumps(detector.get_config())
    images = toy_pairs(2, seed=3)["target"]
    np.testing.assert_array_equal(
        loaded.predict_keypoints(images), detector.predict_keypoints(images)
    )


def test_wrong_image_size_is_refused(trained):
    detector = KeypointDetector.from_landmark_model(trained)
    with pytest.raises(ValueError, match="must be 32x32 for this model"):
        detector.predict_keypoints(np.zeros((1, 48, 48, 3)))


def test_a_model_without_keypoints_has_no_keypoint_detector():
    model = tiny_model(bottleneck=DenseBottleneck(10, (8, 8), 4, name="bottleneck"))
    with pytest.raises(ValueError, match="DenseBottleneck, whose code is not K"):
        KeypointDetector.from_landmark_model(model)
    with pytest.raises(ValueError, match="Expected a LandmarkModel"):
        KeypointDetector.from_landmark_model(model.detector)
