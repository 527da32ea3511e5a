"""Public layers of keras-landmarks."""

from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.layers.heatmaps_to_keypoints import HeatmapsToKeypoints
from keras_landmarks.layers.keypoint_bottleneck import KeypointBottleneck
from keras_landmarks.layers.keypoints_to_heatmaps import KeypointsToHeatmaps
from keras_landmarks.layers.legacy_bilinear_upsampling import LegacyBilinearUpsampling

__all__ = ["HeatmapsToKeypoints", "KeypointBottleneck", "KeypointsToHeatmaps"]


__all__ += ["DenseBottleneck", "LegacyBilinearUpsampling"]
