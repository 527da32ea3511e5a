import colorsys

import keras
import numpy as np
import pytest

from keras_landmarks.losses.colorization_loss import ColorizationLoss
from keras_landmarks.losses.colorization_loss import colour_bins
from keras_landmarks.losses.colorization_loss import hue_and_chroma
from tests.helpers import to_numpy


def test_hue_and_chroma_match_hsv():
    rng = np.random.default_rng(0)
    colours = np.concatenate(
        [
            [[255, 0, 0], [0, 255, 0], [0, 0, 255], [128, 128, 128], [255, 0, 255]],
            rng.integers(0, 256, (50, 3)),
        ]
    ).astype("float32")
    hue, chroma = (to_numpy(v) for v in hue_and_chroma(colours))
    for (r, g, b), h, c in zip(colours / 255.0, hue, chroma, strict=True):
        expected_hue, saturation, value = colorsys.rgb_to_hsv(r, g, b)
        assert h == pytest.approx(expected_hue % 1.0, abs=1e-5)
        assert c == pytest.approx(saturation * value, abs=1e-6)
    np.testing.assert_allclose(hue[:4], [0.0, 1 / 3, 2 / 3, 0.0], atol=1e-6)
    np.testing.assert_allclose(chroma[:4], [1.0, 1.0, 1.0, 0.0], atol=1e-6)


def test_bins_are_floor_of_value_times_bins_with_one_in_the_last():
    values = np.array([0.0, 0.03, 1 / 32, 0.5, 0.99, 1.0], "float32")
    np.testing.assert_array_equal(
        to_numpy(colour_bins(values, 32)), [0, 0, 1, 16, 31, 31]
    )


def numpy_loss(colours, logits, bins, hue_weight):
    total = []
    for colour, logit in zip(
        colours.reshape(-1, 3), logits.reshape(-1, 2 * bins), strict=True
    ):
        h, s, v = colorsys.rgb_to_hsv(*(colour / 255.0))
        chroma = s * v
        terms = []
        for value, z in ((h, logit[:bins]), (chroma, logit[bins:])):
            index = min(int(np.floor(value * bins)), bins - 1)
            log_p = z - np.log(np.sum(np.exp(z)))
            terms.append(-log_p[index])
        total.append(hue_weight * chroma * terms[0] + terms[1])
    return np.mean(total)


def test_loss_matches_a_numpy_rederivation():
    rng = np.random.default_rng(1)
    colours = rng.uniform(0, 255, (2, 6, 3)).astype("float32")
    logits = rng.normal(size=(2, 6, 8)).astype("float32")
    loss = ColorizationLoss(bins=4)
    assert float(to_numpy(loss(colours, logits))) == pytest.approx(
        numpy_loss(colours, logits, 4, 5.0), rel=1e-5
    )


def test_grey_pixels_cost_only_the_chroma_term():
    # Grey: chroma 0 weights the hue term out; uniform logits cost log(bins).
    grey = np.full((1, 3, 3), 90.0, "float32")
    hue_logits = np.random.default_rng(2).normal(size=(1, 3, 4)) * 10
    logits = np.concatenate([hue_logits, np.zeros((1, 3, 4))], -1).astype("float32")
    assert float(to_numpy(ColorizationLoss(bins=4)(grey, logits))) == pytest.approx(
        np.log(4), rel=1e-6
    )


def test_config_round_trip_and_bad_arguments():
    loss = ColorizationLoss(bins=8, hue_weight=2.0)
    clone = keras.losses.deserialize(keras.losses.serialize(loss))
    assert (clone.bins, clone.hue_weight) == (8, 2.0)
    with pytest.raises(ValueError, match="bins"):
        ColorizationLoss(bins=1)
    with pytest.raises(ValueError, match="hue_weight"):
        ColorizationLoss(hue_weight=-1.0)
    with pytest.raises(ValueError, match="2 \\* bins"):
        loss(np.zeros((1, 2, 3), "float32"), np.zeros((1, 2, 4), "float32"))
