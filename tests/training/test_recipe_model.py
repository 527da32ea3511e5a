import dataclasses

import pytest

from keras_landmarks.layers.dense_bottleneck import DenseBottleneck
from keras_landmarks.models.adversarial_landmark_model import AdversarialLandmarkModel
from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_model import build_model
from keras_landmarks.training.recipe_model import build_model_from
from keras_landmarks.training.recipe_model import finetune_model
from tests.helpers import TINY_ARCHITECTURE


# Checks the `run_eagerly` that `build_model` passes to compile: no eager default.
@pytest.mark.compiled
def test_build_model_variants():
    model = build_model(
        4,
        32,
        architecture=TINY_ARCHITECTURE,
        loss="pixel_l1",
        bottleneck="dense",
        code_size=5,
        run_eagerly=True,
    )
    assert isinstance(model.bottleneck, DenseBottleneck)
    assert model.detector.get_config()["filters"] == (4, 4, 8, 8, 8, 8)
    assert model.run_eagerly
    adversarial = build_model(4, 32, TINY_ARCHITECTURE, loss="adversarial_l2")
    assert isinstance(adversarial, AdversarialLandmarkModel)
    assert not adversarial.run_eagerly
    with pytest.raises(RecipeError, match="--code_size must be a positive int"):
        build_model(4, 32, TINY_ARCHITECTURE, bottleneck="dense", code_size=0)
    with pytest.raises(RecipeError, match="Image height must be a multiple"):
        build_model(4, 34, TINY_ARCHITECTURE, loss="pixel_l2")
    with pytest.raises(RecipeError, match="--architecture: .*'tiny'"):
        build_model(4, 32, architecture="tiny", loss="pixel_l2")


def test_cpu_architecture_keeps_the_linear_output():
    # The recipes' "cpu" is the CPU preset's widths without `cpu_model`'s
    # sigmoid output (see presets.ARCHITECTURES).
    model = build_model(4, 32, architecture="cpu", loss="pixel_l2")
    assert model.generator.get_config()["filters"] == (64, 32, 16)
    assert model.generator.get_config()["output_activation"] is None


@dataclasses.dataclass
class ModelConfig:
    num_keypoints: int = 4  # K
    image_size: int = 32  # px
    architecture: str = TINY_ARCHITECTURE  # tests
    loss: str = "pixel_l2"  # no VGG weights
    precision: str = "mixed_bfloat16"  # what build_model_from must apply
    seed: int = 0  # initialisation


def test_build_model_from_applies_and_prints_the_precision(capsys):
    model = build_model_from(ModelConfig())
    assert model.dtype_policy.name == "mixed_bfloat16"
    assert model.detector.dtype_policy.name == "mixed_bfloat16"
    assert "precision: mixed_bfloat16 (requested)" in capsys.readouterr().out
    model = build_model_from(ModelConfig(precision="float32"))
    assert model.dtype_policy.name == "float32"


def test_finetune_model_checks_the_file(tmp_path):
    with pytest.raises(RecipeError, match="Model file not found"):
        finetune_model(str(tmp_path / "none.keras"), 32)
