"""Measuring a model's cost: the analytic FLOP count of one training step."""

from keras_landmarks.profiling.flops import landmark_step_flops

__all__ = ["landmark_step_flops"]
