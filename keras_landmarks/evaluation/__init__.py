"""The paper's landmark evaluation protocol (numpy), and label-free measures.

Discovered keypoints are mapped to annotated landmarks by least squares without
bias (`fit_landmark_regressor`), scored by inter-ocular error (faces) or % of
points within d pixels (BBC-Pose), and reported beside the mean-shape and
untrained-detector baselines (`evaluate_landmarks`, `format_results`).
Without annotations, `label_free` scores a detector by how well its keypoints
follow a warp of the image, the generated geometry and a video, and
`part_distances` asks whether some keypoint sits on each annotated part.
`pose_oracle_predictions` gives the reference lines of keypoints that would
know only the object's position or pose.
"""

from keras_landmarks.evaluation.baselines import MeanShapeRegressor
from keras_landmarks.evaluation.baselines import fit_mean_shape
from keras_landmarks.evaluation.label_free import LabelFreeScore
from keras_landmarks.evaluation.label_free import equivariance_error
from keras_landmarks.evaluation.label_free import geometry_follow_error
from keras_landmarks.evaluation.label_free import interpolate_grid
from keras_landmarks.evaluation.label_free import model_detect
from keras_landmarks.evaluation.label_free import model_reconstruct
from keras_landmarks.evaluation.label_free import random_tps_grids
from keras_landmarks.evaluation.label_free import swap_pairs
from keras_landmarks.evaluation.label_free import temporal_jitter
from keras_landmarks.evaluation.matching import match_keypoints
from keras_landmarks.evaluation.matching import matched_keypoints
from keras_landmarks.evaluation.metrics import BBC_POSE_DISTANCE
from keras_landmarks.evaluation.metrics import inter_ocular_error
from keras_landmarks.evaluation.metrics import percent_within_distance
from keras_landmarks.evaluation.metrics import size_normalized_error
from keras_landmarks.evaluation.metrics import within_distance_curve
from keras_landmarks.evaluation.part_distances import PartDistances
from keras_landmarks.evaluation.part_distances import part_distances
from keras_landmarks.evaluation.pose_oracle import pose_oracle_predictions
from keras_landmarks.evaluation.regression import LandmarkRegressor
from keras_landmarks.evaluation.regression import fit_landmark_regressor
from keras_landmarks.evaluation.report import LandmarkResults
from keras_landmarks.evaluation.report import evaluate_landmarks
from keras_landmarks.evaluation.report import format_results
from keras_landmarks.evaluation.sample_efficiency import SampleEfficiencyCurve
from keras_landmarks.evaluation.sample_efficiency import sample_efficiency_curve

__all__ = [
    "BBC_POSE_DISTANCE",
    "LabelFreeScore",
    "LandmarkRegressor",
    "LandmarkResults",
    "MeanShapeRegressor",
    "PartDistances",
    "SampleEfficiencyCurve",
    "equivariance_error",
    "evaluate_landmarks",
    "fit_landmark_regressor",
    "fit_mean_shape",
    "format_results",
    "geometry_follow_error",
    "inter_ocular_error",
    "interpolate_grid",
    "match_keypoints",
    "matched_keypoints",
    "model_detect",
    "model_reconstruct",
    "part_distances",
    "percent_within_distance",
    "pose_oracle_predictions",
    "random_tps_grids",
    "sample_efficiency_curve",
    "size_normalized_error",
    "swap_pairs",
    "temporal_jitter",
    "within_distance_curve",
]
