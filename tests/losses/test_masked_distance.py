import numpy as np
import pytest

from keras_landmarks.losses.masked_distance import masked_mean_distance
from tests.helpers import to_numpy


def _maps():
    gt = np.zeros((1, 4, 4, 2), "float32")
    pred = np.full((1, 4, 4, 2), -3.0, "float32")
    pred[:, :, 2:] = 1.0  # right half: error 1, left half: error 3
    return gt, pred


@pytest.mark.parametrize("distance, expected", [("l2", (9 + 1) / 2), ("l1", 2.0)])
def test_mean_over_every_element(distance, expected):
    gt, pred = _maps()
    got = masked_mean_distance(gt, pred, distance=distance)
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-6)


def test_the_mask_is_resized_to_the_map():
    gt, pred = _maps()
    # An 8x8 mask over the left half; subsampled to 4x4 it still is.
    mask = np.zeros((1, 8, 8, 1), "float32")
    mask[:, :, :4] = 1.0
    got = masked_mean_distance(gt, pred, loss_mask=mask, distance="l1")
    # Masked-out elements count in the mean as zeros.
    np.testing.assert_allclose(to_numpy(got), 3.0 / 2, rtol=1e-6)


def test_bad_distance():
    gt, pred = _maps()
    with pytest.raises(ValueError, match="distance='huber'"):
        masked_mean_distance(gt, pred, distance="huber")
