"""The paper's landmark evaluation protocol, in numpy (no Keras needed).

Discovered keypoints are mapped to annotated landmarks by least squares without
bias (`fit_landmark_regressor`), scored by inter-ocular error (faces) or % of
points within d pixels (BBC-Pose), and reported beside the mean-shape and
untrained-detector baselines (`evaluate_landmarks`, `format_results`).
"""

from keras_landmarks.evaluation.baselines import MeanShapeRegressor
from keras_landmarks.evaluation.baselines import fit_mean_shape
from keras_landmarks.evaluation.matching import match_keypoints
from keras_landmarks.evaluation.matching import matched_keypoints
from keras_landmarks.evaluation.metrics import BBC_POSE_DISTANCE
from keras_landmarks.evaluation.metrics import inter_ocular_error
from keras_landmarks.evaluation.metrics import percent_within_distance
from keras_landmarks.evaluation.metrics import within_distance_curve
from keras_landmarks.evaluation.regression import LandmarkRegressor
from keras_landmarks.evaluation.regression import fit_landmark_regressor
from keras_landmarks.evaluation.report import LandmarkResults
from keras_landmarks.evaluation.report import evaluate_landmarks
from keras_landmarks.evaluation.report import format_results
from keras_landmarks.evaluation.sample_efficiency import SampleEfficiencyCurve
from keras_landmarks.evaluation.sample_efficiency import sample_efficiency_curve

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
