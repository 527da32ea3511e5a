import numpy as np
import pytest
import tensorflow as tf

from keras_landmarks.data.colorization_examples import colorization_examples


def images(count=3, size=16, seed=0):
    rng = np.random.default_rng(seed)
    array = rng.uniform(0, 255, (count, size, size, 3)).astype("float32")
    return array, tf.data.Dataset.from_tensor_slices(array)


def test_colours_are_the_pixels_at_the_locations():
    array, dataset = images()
    examples = list(colorization_examples(dataset, num_locations=7, edge_margin=3))
    assert len(examples) == 3
    for original, (inputs, colours) in zip(array, examples, strict=True):
        locations = inputs["locations"].numpy()
        assert locations.shape == (7, 2) and colours.shape == (7, 3)
        assert np.all(locations == np.round(locations))
        assert locations.min() >= 3 and locations.max() < 16 - 3
        rows, columns = locations.astype(int).T
        lightness = inputs["lightness"].numpy()
        # The image may be flipped left-right; the colours are read from it.
        flipped = not np.allclose(lightness[..., 0], original.mean(-1))
        image = original[:, ::-1] if flipped else original
        np.testing.assert_allclose(lightness[..., 0], image.mean(-1), rtol=1e-6)
        np.testing.assert_array_equal(colours.numpy(), image[rows, columns])


def test_seeded_and_checked():
    _, dataset = images()

    def first_locations(seed):
        inputs, _ = next(iter(colorization_examples(dataset, 5, 2, seed=seed)))
        return inputs["locations"].numpy()

    np.testing.assert_array_equal(first_locations(1), first_locations(1))
    assert not np.array_equal(first_locations(1), first_locations(2))
    with pytest.raises(ValueError, match="edge_margin=8"):
        colorization_examples(dataset, 5, 8)
    with pytest.raises(ValueError, match="num_locations"):
        colorization_examples(dataset, 0, 2)
