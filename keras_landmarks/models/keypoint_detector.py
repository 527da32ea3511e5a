"""A trained landmark detector alone: images to keypoints, for inference."""

import keras

from keras_landmarks.layers.heatmaps_to_keypoints import HeatmapsToKeypoints
from keras_landmarks.layers.keypoint_bottleneck import KeypointBottleneck
from keras_landmarks.models.landmark_model import LandmarkModel
from keras_landmarks.models.landmark_model import _image_size


@keras.saving.register_keras_serializable(package="keras_landmarks")
class KeypointDetector(keras.Model):
    """The detector of a trained `LandmarkModel` without generator or loss.

    What inference needs: the `LandmarkDetector` (image to K heatmaps) and the
    soft-argmax (`HeatmapsToKeypoints`, float32). The detector's weights are
    the model's own (shared, not copied). `predict_keypoints` and `detect` are
    `LandmarkModel`'s, so both give the same keypoints.

    Args:
        detector: a built `LandmarkDetector`.
        image_size: int or `(height, width)`, the size the detector was
            trained at (inputs must have it).

    Call arguments:
        images: `(batch, H, W, 3)` RGB in [0, 255].
        training: bool.

    Returns:
        Dict: `"keypoints"` `(batch, K, 2)` (x, y) in [-1, 1] and
        `"heatmaps"` `(batch, h, w, K)` raw detector logits.

    Example:

    >>> detector = KeypointDetector.from_preset("synthetic_faces")
    >>> detector.predict_keypoints(images)  # (N, 10, 2) pixel (x, y)
    """

    def __init__(self, detector, image_size, **kwargs):
        super().__init__(**kwargs)
        self.detector = detector
        self.image_size = _image_size(image_size)
        self.num_keypoints = detector.num_keypoints
        self.to_keypoints = HeatmapsToKeypoints(dtype="float32", name="to_keypoints")
        if not detector.built:
            detector.build((None, *self.image_size, 3))
        self.built = True

    @classmethod
    def from_landmark_model(cls, model):
        """The detector part of a `LandmarkModel` (keypoint bottleneck only)."""
        if not isinstance(model, LandmarkModel):
            raise ValueError(
                f"Expected a LandmarkModel. Received: {type(model).__name__}"
            )
        if not isinstance(model.bottleneck, KeypointBottleneck):
            raise ValueError(
                "This model's bottleneck is a "
                f"{type(model.bottleneck).__name__}, whose code is not K "
                "points; only a KeypointBottleneck model has a keypoint detector."
            )
        return cls(model.detector, model.image_size, name="keypoint_detector")

    @classmethod
    def from_preset(cls, preset):
        """The detector of a preset (name, folder or `hf://` handle).

        The whole preset is loaded (`keras_landmarks.presets.load_preset`) and
        its detector kept.
        """
        from keras_landmarks.presets.registry import load_preset

        return cls.from_landmark_model(load_preset(preset))

    check_images = LandmarkModel.check_images
    predict_keypoints = LandmarkModel.predict_keypoints

    def detect(self, images, training=False):
        """Keypoints in [-1, 1] and raw heatmaps of `(batch, H, W, 3)` images."""
        self.check_images(images)
        heatmaps = self.detector(images, training=training)
        return self.to_keypoints(heatmaps), heatmaps

    def call(self, images, training=None):
        keypoints, heatmaps = self.detect(images, training=training)
        return {"keypoints": keypoints, "heatmaps": heatmaps}

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "detector": keras.saving.serialize_keras_object(self.detector),
                "image_size": self.image_size,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["detector"] = keras.saving.deserialize_keras_object(config["detector"])
        return cls(**config)
