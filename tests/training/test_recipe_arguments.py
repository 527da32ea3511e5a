import dataclasses

import pytest

from keras_landmarks.training.recipe_arguments import RecipeError
from keras_landmarks.training.recipe_arguments import check_pairs
from keras_landmarks.training.recipe_arguments import data_errors
from keras_landmarks.training.recipe_arguments import data_folder
from keras_landmarks.training.recipe_arguments import describe_config
from keras_landmarks.training.recipe_arguments import parse_overrides
from keras_landmarks.training.recipe_arguments import require_folder
from keras_landmarks.training.recipe_arguments import run_main


@dataclasses.dataclass
class Config:
    name: str = "a"  # a string
    count: int = 1  # an int
    rate: float = 0.5  # a float
    flag: bool = False  # a bool
    budget: float | None = None  # optional
    subjects: tuple[str, ...] = ("S1",)  # a tuple
    loss: str = "pixel_l2"  # checked against LOSSES
    precision: str = "auto"  # checked against keras_landmarks.precision.PRECISIONS
    architecture: str = "cpu"  # checked by presets.architecture_arguments


def test_overrides_are_converted_to_the_field_types():
    config = parse_overrides(
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
            "--architecture=8,8/1,2/8,8",
        ],
    )
    assert config == Config(
        "b", 3, 1e-3, True, 2.5, ("S5", "S6"), "pixel_l1", "float32", "8,8/1,2/8,8"
    )
    assert parse_overrides(Config(budget=1.0), ["--budget=None"]).budget is None
    assert parse_overrides(Config(), []) == Config()


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
        ("--architecture=tiny", "--architecture: .* Received: architecture='tiny'"),
    ],
)
def test_bad_overrides_name_the_key_and_value(argument, message):
    with pytest.raises(RecipeError, match=message.replace("-", r"\-")):
        parse_overrides(Config(), [argument])


def test_require_folder(tmp_path):
    with pytest.raises(RecipeError, match="Give --data_dir=DIR: the layout"):
        require_folder("", "data_dir", "the layout")
    with pytest.raises(RecipeError, match="is not a folder. Expected the layout"):
        require_folder(str(tmp_path / "x"), "data_dir", "the layout")
    assert require_folder(str(tmp_path), "data_dir", "x") == str(tmp_path)


def test_data_errors_add_the_expected_layout():
    with pytest.raises(
        RecipeError, match="Could not read --data_dir=d: boom\nExpected L"
    ):
        with data_errors("data_dir", "d", "L"):
            raise ValueError("boom")


def test_data_folder_checks_the_folder_then_the_reading(tmp_path):
    with pytest.raises(RecipeError, match="--mafl_dir=.* is not a folder. Expected L"):
        with data_folder("mafl_dir", str(tmp_path / "x"), "L"):
            pytest.fail("the block must not run without the folder")
    with pytest.raises(RecipeError, match="Could not read --mafl_dir=.*: boom"):
        with data_folder("mafl_dir", str(tmp_path), "L"):
            raise OSError("boom")


def test_check_pairs_reads_one_pair_now():
    import tensorflow as tf

    pairs = tf.data.Dataset.range(3)
    assert check_pairs(pairs, "data_dir", "d", "L") is pairs
    with pytest.raises(RecipeError, match="--data_dir=d gave no training pairs"):
        check_pairs(pairs.take(0), "data_dir", "d", "L")


def test_help_lists_the_choices():
    text = describe_config(Config())
    assert "--precision='auto'  (one of auto, float32, mixed_bfloat16" in text
    assert "--architecture='cpu'  (one of paper, cpu or widths" in text
    assert "--count=1  (int)" in text


def test_run_main_exits_with_the_message():
    def main(argv):
        raise RecipeError(f"bad {argv}")

    with pytest.raises(SystemExit, match=r"error: bad \['--x=1'\]"):
        run_main(main, ["--x=1"])
