"""Pictures of the paper's figures, as uint8 `(H, W, 3)` arrays; `save_png` writes them.

Every picture colours keypoint k with `keypoint_palette(K)[k]`, enlarges small
images by an integer nearest-neighbour factor and separates panels by white
gutters. matplotlib plots render off-screen (Agg); no display is needed.
"""

from keras_landmarks.visualization.accuracy_curve_plot import accuracy_curve_plot
from keras_landmarks.visualization.colors import keypoint_palette
from keras_landmarks.visualization.drawing import draw_keypoints
from keras_landmarks.visualization.drawing import save_png
from keras_landmarks.visualization.heatmaps_with_distributions import (
    heatmaps_with_distributions,
)
from keras_landmarks.visualization.keypoint_bars import keypoint_bars
from keras_landmarks.visualization.keypoint_tracks import keypoint_tracks
from keras_landmarks.visualization.keypoint_trajectories import keypoint_trajectories
from keras_landmarks.visualization.learning_curve_plot import learning_curve_plot
from keras_landmarks.visualization.model_pictures import model_pictures
from keras_landmarks.visualization.model_pictures import training_preview
from keras_landmarks.visualization.quadruplets import quadruplets
from keras_landmarks.visualization.regression_comparison import regression_comparison
from keras_landmarks.visualization.sample_efficiency_plot import sample_efficiency_plot
from keras_landmarks.visualization.stable_keypoints import stable_keypoints
from keras_landmarks.visualization.swap_grid import swap_grid
from keras_landmarks.visualization.swap_grid import swap_grid_from_arrays

__all__ = [
    "accuracy_curve_plot",
    "draw_keypoints",
    "heatmaps_with_distributions",
    "keypoint_palette",
    "keypoint_bars",
    "keypoint_tracks",
    "keypoint_trajectories",
    "learning_curve_plot",
    "model_pictures",
    "quadruplets",
    "regression_comparison",
    "sample_efficiency_plot",
    "save_png",
    "stable_keypoints",
    "swap_grid",
    "swap_grid_from_arrays",
    "training_preview",
]
