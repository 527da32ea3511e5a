import numpy as np
import pytest

from keras_landmarks.evaluation import inter_ocular_error
from keras_landmarks.evaluation import percent_within_distance
from keras_landmarks.evaluation import within_distance_curve
from keras_landmarks.evaluation.metrics import inter_ocular_distance
from keras_landmarks.evaluation.metrics import normalized_error
from keras_landmarks.evaluation.metrics import size_normalized_error


def face(left_eye=(20.0, 30.0), right_eye=(40.0, 30.0)):
    return np.array([left_eye, right_eye, (30, 40), (22, 50), (38, 50)], float)


def test_known_offset_in_percent_of_the_inter_ocular_distance():
    gt = np.stack([face(), face(right_eye=(60.0, 30.0))])  # IOD 20 and 40
    predictions = gt + np.array([3.0, 4.0])  # every point 5 px off
    # 5 / 20 = 25 %, 5 / 40 = 12.5 %.
    assert inter_ocular_error(predictions, gt) == pytest.approx(18.75)
    np.testing.assert_allclose(
        inter_ocular_error(predictions, gt, reduction="per_image"), [25.0, 12.5]
    )
    np.testing.assert_allclose(
        inter_ocular_error(predictions, gt, reduction="per_point"), [18.75] * 5
    )
    assert inter_ocular_error(predictions, gt, reduction="none").shape == (2, 5)


def test_per_point_error():
    gt = face()[None]
    predictions = gt.copy()
    predictions[0, 2] += [0.0, 2.0]  # nose 2 px off, IOD 20 -> 10 %
    np.testing.assert_allclose(
        inter_ocular_error(predictions, gt, reduction="per_point"), [0, 0, 10, 0, 0]
    )
    assert inter_ocular_error(predictions, gt) == pytest.approx(2.0)


def test_configurable_eye_indices():
    gt = face()[None]
    predictions = gt + [1.0, 0.0]
    # Normalise by landmarks 3 and 4 (mouth corners, 16 px apart).
    error = inter_ocular_error(predictions, gt, left_eye=3, right_eye=4)
    assert error == pytest.approx(100.0 / 16.0)


def test_zero_inter_ocular_distance_raises():
    gt = face(right_eye=(20.0, 30.0))[None]
    with pytest.raises(ValueError, match="inter-ocular distance is zero"):
        inter_ocular_error(gt, gt)


BAD_ARGUMENTS = [
    (dict(left_eye=5), "left_eye"),
    (dict(right_eye=-1), "right_eye"),
    (dict(left_eye=1, right_eye=1), "must differ"),
    (dict(reduction="sum"), "reduction"),
]


def test_bad_arguments_raise():
    for kwargs, message in BAD_ARGUMENTS:
        gt = face()[None]
        with pytest.raises(ValueError, match=message):
            inter_ocular_error(gt, gt, **kwargs)


def test_mismatched_shapes_raise():
    with pytest.raises(ValueError, match="same shape"):
        inter_ocular_error(np.zeros((2, 5, 2)), np.ones((2, 4, 2)))
    with pytest.raises(ValueError, match="predictions"):
        percent_within_distance(np.zeros((2, 5)), np.ones((2, 5, 2)))


def test_percent_within_distance_counts():
    gt = np.zeros((2, 3, 2))
    offsets = np.array(
        [
            [[6.0, 0.0], [0.0, 6.1], [3.0, 4.0]],  # 6 (in), 6.1 (out), 5 (in)
            [[0.0, 0.0], [10.0, 0.0], [4.0, 4.0]],  # 0 (in), 10, 5.66 (in)
        ]
    )
    assert percent_within_distance(gt + offsets, gt) == pytest.approx(400 / 6)
    np.testing.assert_allclose(
        percent_within_distance(gt + offsets, gt, reduction="per_point"),
        [100, 0, 100],
    )
    np.testing.assert_allclose(
        percent_within_distance(gt + offsets, gt, distance=5.0, reduction="per_image"),
        [100 / 3, 100 / 3],
    )


def test_within_distance_curve():
    gt = np.zeros((1, 2, 2))
    predictions = gt + [[[3.0, 0.0], [7.0, 0.0]]]
    np.testing.assert_allclose(
        within_distance_curve(predictions, gt, distances=(0, 3, 5, 7, 10)),
        [0, 50, 50, 100, 100],
    )
    per_point = within_distance_curve(
        predictions, gt, distances=(0, 5, 10), reduction="per_point"
    )
    np.testing.assert_allclose(per_point, [[0, 0], [100, 0], [100, 100]])
    with pytest.raises(ValueError, match="distances"):
        within_distance_curve(predictions, gt, distances=(-1, 2))
    with pytest.raises(ValueError, match="distance"):
        percent_within_distance(predictions, gt, distance=-1.0)


def test_size_normalized_error_by_construction():
    gt = np.zeros((2, 1, 2))
    predictions = gt + [[[3.0, 4.0]]]  # 5 px off
    assert size_normalized_error(predictions, gt, 100) == pytest.approx(5.0)
    assert size_normalized_error(predictions, gt, 50) == pytest.approx(10.0)


def test_missing_points_are_left_out_of_every_reduction():
    gt = np.stack([face(), face(right_eye=(60.0, 30.0))])  # IOD 20 and 40
    predictions = gt + np.array([3.0, 4.0])  # every point 5 px off
    gt[0, 2] = [np.nan, 40.0]  # the nose of image 0 is missing
    none = inter_ocular_error(predictions, gt, reduction="none", allow_missing=True)
    assert np.isnan(none[0, 2]) and np.isnan(none).sum() == 1
    # 4 points at 25 % and 5 at 12.5 %.
    assert inter_ocular_error(predictions, gt, allow_missing=True) == pytest.approx(
        (4 * 25 + 5 * 12.5) / 9
    )
    np.testing.assert_allclose(
        inter_ocular_error(predictions, gt, reduction="per_point", allow_missing=True),
        [18.75, 18.75, 12.5, 18.75, 18.75],
    )
    within = percent_within_distance(
        predictions, gt, 5.0, reduction="per_image", allow_missing=True
    )
    np.testing.assert_allclose(within, [100.0, 100.0])
    with pytest.raises(ValueError, match="finite"):
        inter_ocular_error(predictions, gt)


def test_an_image_missing_an_eye_has_no_inter_ocular_distance():
    gt = np.stack([face(), face(), face(right_eye=(20.0, 30.0))])
    gt[1, 0] = np.nan
    distance = inter_ocular_distance(gt, allow_missing=True)
    assert distance[0] == 20.0 and np.isnan(distance[1:]).all()  # missing, coincide
    predictions = gt + [2.0, 0.0]
    assert inter_ocular_error(predictions, gt, allow_missing=True) == 10.0
    with pytest.raises(ValueError, match="No annotated point"):
        inter_ocular_error(predictions[1:], gt[1:], allow_missing=True)


def test_normalized_error_divides_by_the_given_distances():
    gt = np.zeros((2, 2, 2))
    predictions = gt + [3.0, 4.0]  # 5 px off
    np.testing.assert_allclose(
        normalized_error(predictions, gt, [10.0, 50.0], reduction="per_image"),
        [50.0, 10.0],
    )
    # The inter-ocular error is the normalized error by the eye distance.
    faces = np.stack([face(), face(right_eye=(60.0, 30.0))])
    np.testing.assert_allclose(
        normalized_error(faces + 1.0, faces, inter_ocular_distance(faces), "none"),
        inter_ocular_error(faces + 1.0, faces, reduction="none"),
    )
    assert np.isnan(
        normalized_error(predictions, gt, [10.0, np.nan], "none", allow_missing=True)[1]
    ).all()
    for norms, message in [
        ([10.0], r"shape \(2,\)"),
        ([10.0, 0.0], r"norms=\[0.0\]"),
        ([10.0, np.nan], r"norms=\[nan\]"),
        ([np.inf, 1.0], r"norms=\[inf\]"),
    ]:
        with pytest.raises(ValueError, match=message):
            normalized_error(predictions, gt, norms)
