import pytest

from keras_landmarks.presets.preset_metadata import check_metadata
from keras_landmarks.presets.preset_metadata import model_facts
from keras_landmarks.presets.preset_metadata import run_provenance
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


def test_run_provenance_reads_the_run_and_both_models(metadata):
    import keras

    from keras_landmarks.presets.float32_model import float32_copy

    keras.config.set_dtype_policy("mixed_bfloat16")
    trained = tiny_model()
    keras.config.set_dtype_policy("float32")
    results = {
        "steps": 1500,
        "train_seconds_this_process": 2434.5,
        "backend": "tensorflow",
        "config": {"data": "videos:train", "batch_size": 16},
    }
    when = "2026-12-02 05:20-06:01 UTC"
    provenance = run_provenance(
        results,
        trained,
        float32_copy(trained),
        "keras-landmarks train",
        "e82e728",
        "2-core CPU",
        when,
    )
    assert provenance["steps"] == 1500 and provenance["train_seconds"] == 2434.5
    assert provenance["training_precision"] == "mixed_bfloat16"
    assert provenance["dtype"] == "float32"
    assert provenance["run_config"]["data"] == "videos:train"
    assert (provenance["code_commit"], provenance["trained"]) == ("e82e728", when)
    # With what only the caller knows, it makes complete metadata.
    given = {k: metadata[k] for k in ("description", "training_data", "evaluation")}
    check_metadata({**given, **provenance})
