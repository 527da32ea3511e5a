import keras
import numpy as np
import pytest

from keras_landmarks.losses import RunningNormalizer
from tests.helpers import run_layer_battery
from tests.helpers import to_numpy

# Three batches of two terms; the second term is 0 once (a fully masked batch).
TERMS = np.array([[2.0, 8.0], [4.0, 0.0], [1.0, 3.0]], "float32")


def _step(normalizer, terms, training=True):
    normalized, normalizers = normalizer(terms, training=training)
    return to_numpy(normalized), to_numpy(normalizers)


def test_first_batch_then_running_mean_by_hand():
    normalizer = RunningNormalizer(2, decay=0.9)
    # First batch: w = m, so each output is exactly 1.
    normalized, w = _step(normalizer, TERMS[0])
    np.testing.assert_array_equal(w, [2.0, 8.0])
    np.testing.assert_array_equal(normalized, [1.0, 1.0])
    # w <- w + 0.1 (m - w), used in the same step.
    normalized, w = _step(normalizer, TERMS[1])
    np.testing.assert_allclose(w, [2.2, 7.2], rtol=1e-6)
    np.testing.assert_allclose(normalized, [4.0 / 2.2, 0.0], rtol=1e-6)
    normalized, w = _step(normalizer, TERMS[2])
    np.testing.assert_allclose(w, [2.08, 6.78], rtol=1e-6)
    np.testing.assert_allclose(normalized, [1.0 / 2.08, 3.0 / 6.78], rtol=1e-6)
    np.testing.assert_allclose(
        to_numpy(normalizer.normalizers), [2.08, 6.78], rtol=1e-6
    )
    assert float(to_numpy(normalizer.normalizers_ready)) == 1.0


def test_given_initial_values_and_the_default_decay():
    normalizer = RunningNormalizer(2, initial_normalizers=(4.0, 1.0))
    normalizer.build((2,))
    np.testing.assert_array_equal(to_numpy(normalizer.normalizers), [4.0, 1.0])
    assert float(to_numpy(normalizer.normalizers_ready)) == 1.0
    normalized, w = _step(normalizer, TERMS[0])
    np.testing.assert_allclose(w, [3.98, 1.07], rtol=1e-6)
    np.testing.assert_allclose(normalized, [2.0 / 3.98, 8.0 / 1.07], rtol=1e-6)


def test_nothing_is_stored_outside_training():
    normalizer = RunningNormalizer(2, initial_normalizers=(4.0, 1.0), decay=0.5)
    normalized, w = _step(normalizer, TERMS[0], training=False)
    # The updated value is used in the step even when it is not stored.
    np.testing.assert_allclose(w, [3.0, 4.5])
    np.testing.assert_allclose(normalized, [2.0 / 3.0, 8.0 / 4.5], rtol=1e-6)
    np.testing.assert_array_equal(to_numpy(normalizer.normalizers), [4.0, 1.0])


def test_first_batch_waits_for_a_training_batch():
    normalizer = RunningNormalizer(2, decay=0.9)
    _step(normalizer, TERMS[1], training=False)
    assert float(to_numpy(normalizer.normalizers_ready)) == 0.0
    np.testing.assert_array_equal(to_numpy(normalizer.normalizers), [1.0, 1.0])
    # The first stored batch still starts the running means at its own terms.
    _, w = _step(normalizer, TERMS[0])
    np.testing.assert_array_equal(w, [2.0, 8.0])


def test_all_zero_terms_give_zero_not_nan():
    normalizer = RunningNormalizer(2)
    normalized, w = _step(normalizer, np.zeros(2, "float32"))
    np.testing.assert_array_equal(w, [0.0, 0.0])
    np.testing.assert_array_equal(normalized, [0.0, 0.0])


def test_float32_under_mixed_policy():
    keras.config.set_dtype_policy("mixed_bfloat16")
    normalizer = RunningNormalizer(2, initial_normalizers=(3.0, 3.0))
    assert normalizer.dtype_policy.name == "float32"
    # 1 + 2^-10 is not a bfloat16 number: a cast anywhere would round it to 1.
    terms = np.array([1.0 + 2.0**-10, 1.0], "float32")
    normalized, w = normalizer(terms, training=True)
    for value in (normalized, w, normalizer.normalizers):
        assert keras.backend.standardize_dtype(value.dtype) == "float32"
    expected = 3.0 + 0.01 * (terms - 3.0)
    np.testing.assert_allclose(to_numpy(normalizer.normalizers), expected, rtol=1e-6)


def test_battery(tmp_path):
    normalizer = RunningNormalizer(3, initial_normalizers=(1.0, 2.0, 3.0))
    run_layer_battery(normalizer, np.array([1.0, 4.0, 9.0], "float32"), tmp_path)


def test_config_round_trip():
    normalizer = RunningNormalizer(
        2, initial_normalizers=(4.0, 1.0), decay=0.5, name="norm"
    )
    config = normalizer.get_config()
    assert config["num_terms"] == 2
    assert config["initial_normalizers"] == [4.0, 1.0]
    assert config["decay"] == 0.5
    clone = RunningNormalizer.from_config(config)
    assert clone.get_config() == config
    default = RunningNormalizer(1).get_config()
    assert default["initial_normalizers"] == "first_batch"
    assert default["decay"] == 0.99


def test_save_and_load_keep_the_running_means(tmp_path):
    normalizer = RunningNormalizer(2, decay=0.9)
    _step(normalizer, TERMS[0])
    _step(normalizer, TERMS[1])
    path = tmp_path / "normalizer.keras"
    keras.saving.save_model(normalizer, path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, RunningNormalizer)
    np.testing.assert_allclose(to_numpy(loaded.normalizers), [2.2, 7.2], rtol=1e-6)
    assert float(to_numpy(loaded.normalizers_ready)) == 1.0
    # Loaded, it goes on from the stored state, not from a first batch.
    np.testing.assert_array_equal(
        _step(loaded, TERMS[2])[1], _step(normalizer, TERMS[2])[1]
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(num_terms=0), "num_terms=0"),
        (dict(num_terms=1.5), "num_terms=1.5"),
        (dict(num_terms=2, initial_normalizers=(1.0,)), "one float per term"),
        (dict(num_terms=1, initial_normalizers="ones"), "normalizers='ones'"),
        (dict(num_terms=1, initial_normalizers=(-1.0,)), "positive.*-1.0"),
        (dict(num_terms=1, decay=1.0), "decay=1.0"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RunningNormalizer(**kwargs)


def test_terms_of_the_wrong_shape_are_rejected():
    with pytest.raises(ValueError, match=r"shape=\(3,\)"):
        RunningNormalizer(2)(np.ones(3, "float32"))
