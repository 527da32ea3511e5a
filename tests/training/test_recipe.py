import dataclasses

import pytest

from keras_landmarks.training.recipe import run_job
from tests.helpers import TINY_ARCHITECTURE


def _job(run_dir, model, num_keypoints=1, seed=0):
    return run_dir, model, num_keypoints, seed


@dataclasses.dataclass
class JobConfig:
    num_keypoints: int = 4  # K
    image_size: int = 32  # px
    architecture: str = TINY_ARCHITECTURE  # tests
    loss: str = "pixel_l2"  # no VGG weights
    run_dir: str = "r"  # a job argument
    precision: str = "float32"  # applied before the model is built
    seed: int = 0  # initialisation


def test_run_job_passes_the_model_and_the_matching_fields():
    run_dir, model, num_keypoints, seed = run_job(_job, JobConfig())
    assert (run_dir, num_keypoints, seed) == ("r", 4, 0)
    assert model.num_keypoints == 4 and model.optimizer is not None


@dataclasses.dataclass
class MisspeltJobConfig(JobConfig):
    num_keypionts: int = 3  # read by nothing


def test_run_job_rejects_a_field_nothing_reads():
    with pytest.raises(TypeError, match=r"\['num_keypionts'\]"):
        run_job(_job, MisspeltJobConfig())
