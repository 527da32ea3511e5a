import numpy as np
import pytest

from keras_landmarks.evaluation._validation import as_points
from keras_landmarks.evaluation._validation import check_reduction
from keras_landmarks.evaluation._validation import check_same_length
from keras_landmarks.evaluation._validation import check_same_shape


def test_points_become_float64_of_shape_n_p_2():
    points = as_points([[[1, 2], [3, 4]]], "landmarks", num_points=2)
    assert points.dtype == np.float64 and points.shape == (1, 2, 2)


@pytest.mark.parametrize(
    "value, kwargs, message",
    [
        (np.zeros((3, 2)), {}, r"landmarks.shape=\(3, 2\)"),
        (np.zeros((0, 2, 2)), {}, "num_images >= 1"),
        (np.zeros((1, 3, 2)), {"num_points": 2}, "must have 2 points"),
        (np.full((1, 2, 2), np.nan), {}, "must be finite"),
        (np.full((1, 2, 2), np.inf), {"allow_nan": True}, "must not hold inf"),
    ],
)
def test_bad_points_name_the_argument(value, kwargs, message):
    with pytest.raises(ValueError, match=message) as error:
        as_points(value, "landmarks", **kwargs)
    assert "`landmarks`" in str(error.value)


def test_a_point_with_one_nan_coordinate_is_missing_whole():
    value = np.array([[[1.0, np.nan], [3.0, 4.0]]])
    points = as_points(value, "landmarks", allow_nan=True)
    assert np.isnan(points[0, 0]).all()
    np.testing.assert_array_equal(points[0, 1], [3.0, 4.0])
    assert value[0, 0, 0] == 1.0  # the caller's array is left alone


def test_pair_and_reduction_checks():
    check_same_length(np.zeros((2, 1, 2)), "a", np.zeros((2, 5, 2)), "b")
    with pytest.raises(ValueError, match="same number of images"):
        check_same_length(np.zeros((2, 1, 2)), "a", np.zeros((3, 1, 2)), "b")
    with pytest.raises(ValueError, match=r"a.shape=\(2, 1, 2\), b.shape=\(2, 5, 2\)"):
        check_same_shape(np.zeros((2, 1, 2)), "a", np.zeros((2, 5, 2)), "b")
    with pytest.raises(ValueError, match="reduction='sum'"):
        check_reduction("sum", ("mean",))
