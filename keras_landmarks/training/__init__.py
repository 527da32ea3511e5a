"""Training around `model.fit`: resumable runs, callbacks, the end-to-end jobs."""

from keras_landmarks.training.callbacks import NonFiniteLossError
from keras_landmarks.training.callbacks import PreviewPictures
from keras_landmarks.training.callbacks import StepBudget
from keras_landmarks.training.callbacks import StopOnNonFiniteLoss
from keras_landmarks.training.callbacks import TimeBudget
from keras_landmarks.training.checkpoint import TrainingCheckpoint
from keras_landmarks.training.loop import train

__all__ = [
    "NonFiniteLossError",
    "PreviewPictures",
    "StepBudget",
    "StopOnNonFiniteLoss",
    "TimeBudget",
    "TrainingCheckpoint",
    "train",
]
