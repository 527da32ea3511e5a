"""The paper's landmark evaluation protocol, in numpy (no Keras needed).

Discovered keypoints are mapped to annotated landmarks by least squares without
bias (`fit_landmark_regressor`), scored by inter-ocular error (faces) or % of
points within d pixels (BBC-Pose), and reported beside the mean-shape and
untrained-detector baselines (`evaluate_landmarks`, `format_results`).
"""

from keras_landmarks.evaluation.baselines import MeanShapeRegressor, fit_mean_shape
from keras_landmarks.evaluation.matching import match_keypoints, matched_keypoints
from keras_landmarks.evaluation.metrics import (
    BBC_POSE_DISTANCE,
    inter_ocular_error,
    percent_within_distance,
    within_distance_curve,
)
from keras_landmarks.evaluation.regression import (
    LandmarkRegressor,
    fit_landmark_regressor,
)
from keras_landmarks.evaluation.report import (
    LandmarkResults,
    evaluate_landmarks,
    format_results,
)
from keras_landmarks.evaluation.sample_efficiency import (
    SampleEfficiencyCurve,
    sample_efficiency_curve,
)

__all__ = [
    "BBC_POSE_DISTANCE",
    "LandmarkRegressor",
    "LandmarkResults",
    "MeanShapeRegressor",
    "SampleEfficiencyCurve",
    "evaluate_landmarks",
    "fit_landmark_regressor",
    "fit_mean_shape",
    "format_results",
    "inter_ocular_error",
    "match_keypoints",
    "matched_keypoints",
    "percent_within_distance",
    "sample_efficiency_curve",
    "within_distance_curve",
]
