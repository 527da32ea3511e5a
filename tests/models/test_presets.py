import keras
import pytest

from keras_landmarks.layers import LegacyBilinearUpsampling
from keras_landmarks.losses.pixel_loss import PixelLoss
from keras_landmarks.models.conv_encoder import REFERENCE_ENCODER_FILTERS
from keras_landmarks.models.presets import ARCHITECTURES
from keras_landmarks.models.presets import CPU_ENCODER_FILTERS
from keras_landmarks.models.presets import CPU_GENERATOR_FILTERS
from keras_landmarks.models.presets import architecture_arguments
from keras_landmarks.models.presets import cpu_model
from keras_landmarks.models.presets import paper_model


def test_named_architectures_are_copies_of_the_table():
    cpu = architecture_arguments("cpu")
    assert cpu == ARCHITECTURES["cpu"]
    assert cpu["encoder_filters"] == CPU_ENCODER_FILTERS
    cpu["encoder_filters"] = (1,)
    assert ARCHITECTURES["cpu"]["encoder_filters"] == CPU_ENCODER_FILTERS
    assert architecture_arguments("paper")["encoder_filters"] == (
        REFERENCE_ENCODER_FILTERS
    )


def test_written_out_widths():
    assert architecture_arguments("4, 8/1,2/8,4") == {
        "encoder_filters": (4, 8),
        "encoder_strides": (1, 2),
        "generator_filters": (8, 4),
    }


@pytest.mark.parametrize("bad", ["tiny", "4,8/1,2", "4,x/1,2/8,4", "4,8/1,2/8,4/1"])
def test_anything_else_is_rejected(bad):
    with pytest.raises(ValueError, match=f"Received: architecture='{bad}'"):
        architecture_arguments(bad)


def test_cpu_model_is_the_cpu_shape_with_a_sigmoid_output():
    model = cpu_model(4, image_size=32)
    assert model.detector.get_config()["filters"] == CPU_ENCODER_FILTERS
    generator = model.generator.get_config()
    assert generator["filters"] == CPU_GENERATOR_FILTERS
    assert generator["output_activation"] == "sigmoid"


def _conv_regularizers(model):
    return [
        layer.kernel_regularizer
        for layer in model._flatten_layers()
        if isinstance(layer, keras.layers.Conv2D)
    ]


def test_paper_model_follows_the_reference_conventions():
    model = paper_model(4, image_size=32, reconstruction_loss=PixelLoss("l2"))
    regularizers = _conv_regularizers(model)
    assert len(regularizers) == 8 + 1 + 8 + 8  # detector, head, encoder, generator
    # Keras' L2(1e-5 / 2) adds 1e-5 * Σw² / 2, TF1's l2_regularizer(1e-5).
    assert [r.l2 for r in regularizers] == pytest.approx([0.5e-5] * 25)
    assert isinstance(model.generator.upsample, LegacyBilinearUpsampling)
    assert architecture_arguments("paper")["generator_interpolation"] == "tf1_bilinear"


def test_cpu_model_keeps_the_keras_conventions():
    model = cpu_model(4, image_size=32)
    regularizers = _conv_regularizers(model)
    assert [r.l2 for r in regularizers] == pytest.approx([1e-5] * len(regularizers))
    assert isinstance(model.generator.upsample, keras.layers.UpSampling2D)


def test_compiled_preset_model_takes_its_optimizer_and_defaults():
    from keras_landmarks.models.presets import compiled_preset_model
    from keras_landmarks.models.presets import training_preset

    model = compiled_preset_model("cpu", num_keypoints=4, image_size=32)
    assert type(model.reconstruction_loss).__name__ == "PixelLoss"
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == (
        pytest.approx(2e-3)
    )
    paper = compiled_preset_model(
        "paper", loss="pixel_l1", learning_rate=5e-4, num_keypoints=4, image_size=32
    )
    assert paper.generator.upsample.__class__.__name__ == "LegacyBilinearUpsampling"
    assert training_preset("paper")["batch_size"] == 50
    with pytest.raises(ValueError, match=r"\('paper', 'cpu'\). Received: preset='gpu'"):
        compiled_preset_model("gpu")
