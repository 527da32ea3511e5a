import pytest

from keras_landmarks.presets.preset_metadata import check_metadata
from keras_landmarks.presets.preset_metadata import model_facts
from tests.helpers import tiny_model


def test_complete_metadata_passes(metadata):
    check_metadata(metadata)


@pytest.mark.parametrize("missing", ["command", "evaluation", "training_data"])
def test_a_missing_entry_is_named(metadata, missing):
    del metadata[missing]
    with pytest.raises(ValueError, match=f"lacks \\['{missing}'\\]"):
        check_metadata(metadata)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("steps", 1.5, "Received: steps=1.5"),
        ("steps", -1, "Received: steps=-1"),
        ("train_seconds", "ten", "Received: train_seconds='ten'"),
        ("evaluation", [19.4], "Received: evaluation=\\[19.4\\]"),
        ("command", " ", "Received: command=' '"),
    ],
)
def test_a_mistyped_entry_shows_its_value(metadata, key, value, message):
    metadata[key] = value
    with pytest.raises(ValueError, match=message):
        check_metadata(metadata)


def test_facts_cannot_be_given_by_hand(metadata):
    metadata["parameter_count"] = 10
    with pytest.raises(ValueError, match="gives \\['parameter_count'\\]"):
        check_metadata(metadata)


def test_not_a_dict():
    with pytest.raises(ValueError, match="Received: metadata=list"):
        check_metadata([])


def test_model_facts_are_read_off_the_model():
    model = tiny_model(num_keypoints=3, image_size=(32, 48))
    facts = model_facts(model)
    assert facts["class_name"] == "LandmarkModel"
    assert facts["image_size"] == [32, 48] and facts["num_keypoints"] == 3
    assert facts["parameter_count"] == model.count_params()
