import dataclasses

import numpy as np
import pytest
from PIL import Image

from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.training import recipe
from keras_landmarks.training.recipe import RecipeError
from keras_landmarks.visualization.drawing import GUTTER


@dataclasses.dataclass
class Config:
    name: str = "a"  # a string
    count: int = 1  # an int
    rate: float = 0.5  # a float
    flag: bool = False  # a bool
    budget: float | None = None  # optional
    subjects: tuple[str, ...] = ("S1",)  # a tuple
    loss: str = "pixel_l2"  # checked against recipe.LOSSES
    precision: str = "auto"  # checked against keras_landmarks.precision.PRECISIONS


def test_overrides_are_converted_to_the_field_types():
    config = recipe.parse_overrides(
        Config(),
        [
            "--name=b",
            "--count=3",
            "--rate=1e-3",
            "--flag=True",
            "--budget=2.5",
            "--subjects=S5,S6",
            "--loss=pixel_l1",
            "--precision=float32",
        ],
    )
    assert config == Config(
        "b", 3, 1e-3, True, 2.5, ("S5", "S6"), "pixel_l1", "float32"
    )
    assert recipe.parse_overrides(Config(budget=1.0), ["--budget=None"]).budget is None
    assert recipe.parse_overrides(Config(), []) == Config()


@pytest.mark.parametrize(
    "argument, message",
    [
        ("--cuont=3", "Unknown option --cuont"),
        ("--count=3.5", "--count must be an int. Received: --count=3.5"),
        ("--rate=fast", "--rate must be a number. Received: --rate=fast"),
        ("--flag=maybe", "--flag must be True or False. Received: --flag=maybe"),
        ("count=3", "Arguments must look like --key=value"),
        ("--loss=l3", "--loss must be one of"),
        ("--precision=fp8", "--precision must be one of"),
    ],
)
def test_bad_overrides_name_the_key_and_value(argument, message):
    with pytest.raises(RecipeError, match=message.replace("-", r"\-")):
        recipe.parse_overrides(Config(), [argument])


def test_require_folder(tmp_path):
    with pytest.raises(RecipeError, match="Give --data_dir=DIR: the layout"):
        recipe.require_folder("", "data_dir", "the layout")
    with pytest.raises(RecipeError, match="is not a folder. Expected the layout"):
        recipe.require_folder(str(tmp_path / "x"), "data_dir", "the layout")
    assert recipe.require_folder(str(tmp_path), "data_dir", "x") == str(tmp_path)


def test_data_errors_add_the_expected_layout():
    with pytest.raises(
        RecipeError, match="Could not read --data_dir=d: boom\nExpected L"
    ):
        with recipe.data_errors("data_dir", "d", "L"):
            raise ValueError("boom")


def test_size_normalized_error_by_construction():
    gt = np.zeros((2, 1, 2))
    predictions = gt + [[[3.0, 4.0]]]  # 5 px off
    assert recipe.size_normalized_error(predictions, gt, 100) == pytest.approx(5.0)


def test_build_model_variants_and_dense_codes(tmp_path):
    model = recipe.build_model(
        4, 32, architecture="tiny", loss="pixel_l1", bottleneck="dense", code_size=5
    )
    assert isinstance(model.bottleneck, DenseBottleneck)
    images = np.random.default_rng(0).uniform(0, 255, (3, 32, 32, 3)).astype("float32")
    points = recipe.predict_points(model, images)
    assert points.shape == (3, 3, 2) and np.all(points[:, -1, 1] == 0)  # padded
    png = recipe.write_swap_grid(model, images[:2], tmp_path)
    grid = np.load(tmp_path / "swap_grid.npy")
    assert grid.shape == (2, 2, 32, 32, 3) and 0 <= grid.min() <= grid.max() <= 255
    with Image.open(png) as picture:  # 3 x 3 panels of 128 px, titles above
        assert picture.size[0] == 3 * 128 + 2 * GUTTER
    with pytest.raises(RecipeError, match="--code_size must be a positive int"):
        recipe.build_model(4, 32, architecture="tiny", bottleneck="dense", code_size=0)
    with pytest.raises(RecipeError, match="Image height must be a multiple"):
        recipe.build_model(4, 34, architecture="tiny", loss="pixel_l2")


def test_help_lists_the_choices():
    text = recipe.describe_config(Config())
    assert "--precision='auto'  (one of auto, float32, mixed_bfloat16" in text
    assert "--count=1  (int)" in text


@dataclasses.dataclass
class ModelConfig:
    num_keypoints: int = 4  # K
    image_size: int = 32  # px
    architecture: str = "tiny"  # tests
    loss: str = "pixel_l2"  # no VGG weights
    precision: str = "mixed_bfloat16"  # what build_model_from must apply
    seed: int = 0  # initialisation


def test_build_model_from_applies_and_prints_the_precision(capsys):
    model = recipe.build_model_from(ModelConfig())
    assert model.dtype_policy.name == "mixed_bfloat16"
    assert model.detector.dtype_policy.name == "mixed_bfloat16"
    assert "precision: mixed_bfloat16 (requested)" in capsys.readouterr().out
    model = recipe.build_model_from(ModelConfig(precision="float32"))
    assert model.dtype_policy.name == "float32"


def _job(run_dir, model, num_keypoints=1, seed=0):
    return run_dir, model, num_keypoints, seed


@dataclasses.dataclass
class JobConfig(ModelConfig):
    run_dir: str = "r"  # a job argument
    precision: str = "float32"  # applied before the model is built


def test_run_job_passes_the_model_and_the_matching_fields():
    run_dir, model, num_keypoints, seed = recipe.run_job(_job, JobConfig())
    assert (run_dir, num_keypoints, seed) == ("r", 4, 0)
    assert model.num_keypoints == 4 and model.optimizer is not None


@dataclasses.dataclass
class MisspeltJobConfig(JobConfig):
    num_keypionts: int = 3  # read by nothing


def test_run_job_rejects_a_field_nothing_reads():
    with pytest.raises(TypeError, match=r"\['num_keypionts'\]"):
        recipe.run_job(_job, MisspeltJobConfig())
