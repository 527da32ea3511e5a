import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.ops.bilinear_sampler import bilinear_sample
from keras_landmarks.data.ops.random_seeds import split_seed
from keras_landmarks.data.ops.smooth_mask import smooth_mask
from keras_landmarks.data.ops.thin_plate_spline import SOURCE_WARP
from keras_landmarks.data.ops.thin_plate_spline import TARGET_WARP
from keras_landmarks.data.ops.thin_plate_spline import TpsWarpStrength
from keras_landmarks.data.ops.thin_plate_spline import sample_tps_parameters
from keras_landmarks.data.ops.thin_plate_spline import tps_grid
from keras_landmarks.data.pairs.tps_pairs import endless_tps_pairs
from keras_landmarks.data.pairs.tps_pairs import make_tps_pair
from keras_landmarks.data.pairs.tps_pairs import tps_pairs

STILL = TpsWarpStrength(0.0, 0.0, 0.0, (0.0, 0.0))


def _images(n=6, size=32):
    rng = np.random.default_rng(0)
    return rng.uniform(0, 255, (n, size, size, 3)).astype(np.float32)


def _collect(dataset):
    elements = list(dataset.as_numpy_iterator())
    return {k: np.stack([e[k] for e in elements]) for k in elements[0]}


def test_pair_is_target_warp_then_source_warp_of_target():
    image = _images(1)[0]
    seed = tf.constant([5, 9], tf.int64)
    pair = make_tps_pair(image, seed)
    target_seed, source_seed = split_seed(seed, 2)
    target_grid = tps_grid(sample_tps_parameters(target_seed, TARGET_WARP), 32, 32)
    source_grid = tps_grid(sample_tps_parameters(source_seed, SOURCE_WARP), 32, 32)
    target = bilinear_sample(image, target_grid)
    np.testing.assert_allclose(pair["target"], target, atol=1e-3)
    np.testing.assert_allclose(
        pair["source"], bilinear_sample(target, source_grid), atol=1e-3
    )
    mask = bilinear_sample(smooth_mask(32, 2, 5)[..., None], target_grid)
    np.testing.assert_allclose(pair["mask"], mask, atol=1e-5)


def test_zero_strength_returns_image_and_mask():
    image = _images(1)[0]
    pair = make_tps_pair(image, tf.constant([0, 0]), STILL, STILL)
    # float32 grid points land within ~1e-6 px of the pixel centres.
    np.testing.assert_allclose(pair["target"], image, atol=3e-3)
    np.testing.assert_allclose(pair["source"], image, atol=3e-3)
    np.testing.assert_allclose(pair["mask"][..., 0], smooth_mask(32, 2, 5), atol=1e-5)


def test_dataset_contract_and_seeding():
    images = tf.data.Dataset.from_tensor_slices(_images())
    a = _collect(tps_pairs(images, seed=1))
    b = _collect(tps_pairs(images, seed=1, num_parallel_calls=1))
    c = _collect(tps_pairs(images, seed=2))
    assert sorted(a) == ["mask", "source", "target"]
    assert a["source"].shape == (6, 32, 32, 3) and a["mask"].shape == (6, 32, 32, 1)
    assert all(v.dtype == np.float32 for v in a.values())
    assert a["mask"].min() >= 0.0 and a["mask"].max() <= 1.0
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert np.abs(a["source"] - c["source"]).mean() > 1.0
    # Each element gets its own warp.
    same = tps_pairs(tf.data.Dataset.from_tensor_slices(np.repeat(_images(1), 2, 0)))
    same = _collect(same)
    assert np.abs(same["source"][0] - same["source"][1]).mean() > 1.0


def test_eager_equals_tf_data_map():
    images = _images(2)
    pairs = _collect(tps_pairs(tf.data.Dataset.from_tensor_slices(images), seed=3))
    for index in range(2):
        eager = make_tps_pair(images[index], tf.constant([3, index], tf.int64))
        for key in eager:
            np.testing.assert_allclose(pairs[key][index], eager[key], atol=1e-4)


def test_warp_strength_is_an_argument():
    # A smooth ramp: the change a warp makes grows with its displacement.
    ys, xs = np.mgrid[:32, :32]
    ramp = np.repeat((4 * xs + 3 * ys)[None, ..., None], 3, -1).astype(np.float32)
    images = tf.data.Dataset.from_tensor_slices(np.repeat(ramp, 4, 0))
    mild = _collect(tps_pairs(images, source_warp=TARGET_WARP))
    strong = _collect(
        tps_pairs(images, source_warp=TpsWarpStrength(20.0, 0.3, 0.3, (0.01, 0.05)))
    )
    mild_change = np.abs(mild["source"] - mild["target"]).mean()
    strong_change = np.abs(strong["source"] - strong["target"]).mean()
    assert strong_change > 2 * mild_change


def test_dict_elements_and_resize():
    images = tf.data.Dataset.from_tensor_slices(
        {"image": _images(2, 40), "landmarks": np.zeros((2, 5, 2), np.float32)}
    )
    pairs = tps_pairs(images, image_size=32)
    assert sorted(pairs.element_spec) == ["mask", "source", "target"]
    assert pairs.element_spec["source"].shape == (32, 32, 3)


def test_rejects_unknown_size_and_bad_seed():
    ragged = tf.data.Dataset.from_generator(
        lambda: iter(_images(2)),
        output_signature=tf.TensorSpec((None, None, 3), tf.float32),
    )
    with pytest.raises(ValueError, match="image_size"):
        tps_pairs(ragged)
    with pytest.raises(ValueError, match="seed=-1"):
        tps_pairs(tf.data.Dataset.from_tensor_slices(_images(2)), seed=-1)
    with pytest.raises(ValueError, match="'image'"):
        tps_pairs(tf.data.Dataset.from_tensor_slices({"x": _images(2)}))


def test_endless_pairs_of_a_labelled_dataset_are_seeded():
    labelled = tf.data.Dataset.from_tensor_slices(
        {"image": _images(3), "landmarks": np.zeros((3, 5, 2), np.float32)}
    )
    first = _collect(endless_tps_pairs(labelled, seed=2).take(7))
    again = _collect(endless_tps_pairs(labelled, seed=2).take(7))
    assert first["target"].shape == (7, 32, 32, 3)
    for key in first:
        np.testing.assert_array_equal(first[key], again[key])
    other = _collect(endless_tps_pairs(labelled, seed=3).take(7))
    assert not np.array_equal(first["target"], other["target"])


def test_border_padding_leaves_no_black_corners():
    image = tf.fill((32, 32, 3), 200.0)
    strong = TpsWarpStrength(0.5, 0.2, 0.3, (0.001, 0.005))
    seed = tf.constant([3, 4])
    zeros = make_tps_pair(image, seed, strong, strong)
    border = make_tps_pair(image, seed, strong, strong, padding="border")
    assert float(tf.reduce_min(zeros["source"])) < 100.0
    np.testing.assert_allclose(border["source"].numpy(), 200.0, atol=1e-3)
    np.testing.assert_allclose(border["mask"].numpy(), zeros["mask"].numpy())
