"""Training around `model.fit`: resumable runs, callbacks, the end-to-end jobs."""

from keras_landmarks.training.callbacks import PreviewPictures
from keras_landmarks.training.callbacks import TimeBudget
from keras_landmarks.training.loop import train

__all__ = ["PreviewPictures", "TimeBudget", "train"]
