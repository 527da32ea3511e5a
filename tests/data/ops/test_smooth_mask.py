import numpy as np
import pytest

from keras_landmarks.data.ops.smooth_mask import default_mask_geometry
from keras_landmarks.data.ops.smooth_mask import smooth_mask
from tests.helpers import golden


def test_matches_reference_128():
    np.testing.assert_allclose(smooth_mask(128), golden()["smooth_mask_128"], atol=1e-5)


def test_matches_reference_32():
    expected = golden()["smooth_mask_32"]
    np.testing.assert_allclose(smooth_mask(32, margin=3, ramp=6), expected, atol=1e-5)


def test_profile_by_construction():
    mask = smooth_mask((40, 30), margin=2, ramp=4)
    assert mask.shape == (40, 30) and mask.dtype == np.float32
    rise = 0.5 + 0.5 * np.tanh(np.linspace(-1, 1, 4) / 0.4)
    np.testing.assert_allclose(mask[20, :6], np.r_[0, 0, rise], atol=1e-6)
    np.testing.assert_allclose(mask[20, -6:], np.r_[rise[::-1], 0, 0], atol=1e-6)
    np.testing.assert_array_equal(mask[6:-6, 6:-6], 1.0)
    np.testing.assert_allclose(mask, mask[:, ::-1], atol=1e-7)


def test_default_geometry_scales_reference():
    assert default_mask_geometry(128) == (10, 20)
    assert default_mask_geometry(64) == (5, 10)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(size=16, margin=3, ramp=6), "at least"),
        (dict(size=32, margin=-1, ramp=6), "margin=-1"),
        (dict(size="32"), "size='32'"),
        (dict(size=32, margin=2.5), "margin=2.5"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        smooth_mask(**kwargs)
