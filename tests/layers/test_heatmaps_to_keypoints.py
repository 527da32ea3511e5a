import numpy as np
import pytest

from keras_landmarks.layers import HeatmapsToKeypoints
from keras_landmarks.layers import KeypointsToHeatmaps
from tests.helpers import golden
from tests.helpers import run_layer_battery
from tests.helpers import to_numpy


def test_matches_reference_coordinates_and_distributions():
    ref = golden()
    keypoints, prob_x, prob_y = HeatmapsToKeypoints(return_distributions=True)(
        ref["heatmaps"]
    )
    np.testing.assert_allclose(
        to_numpy(keypoints), ref["coords_yx"][..., ::-1], rtol=0, atol=1e-5
    )
    np.testing.assert_allclose(to_numpy(prob_x), ref["prob_x"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(to_numpy(prob_y), ref["prob_y"], rtol=0, atol=1e-5)


def test_matches_numpy_rederivation_on_non_square_maps():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(3, 12, 20, 5)).astype("float32") * 4

    def softmax(z, axis):
        e = np.exp(z - z.max(axis, keepdims=True))
        return e / e.sum(axis, keepdims=True)

    py = softmax(logits.mean(2), 1)
    px = softmax(logits.mean(1), 1)
    expected = np.stack(
        [
            np.einsum("bwk,w->bk", px, np.linspace(-1, 1, 20)),
            np.einsum("bhk,h->bk", py, np.linspace(-1, 1, 12)),
        ],
        -1,
    )
    got = to_numpy(HeatmapsToKeypoints()(logits))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("size", [16, 32])
def test_recovers_points_rendered_as_sharp_maps(size):
    points = np.array(
        [[[-0.5, 0.25], [0.0, 0.0], [0.75, -0.6]]], dtype="float32"
    )  # (x, y)
    maps = to_numpy(KeypointsToHeatmaps(size, size, std=0.05)(points))
    # Sharp, strongly peaked logits put almost all mass near the point.
    recovered = to_numpy(HeatmapsToKeypoints()(np.log(maps + 1e-30) * 0.5))
    cell = 2.0 / (size - 1)
    np.testing.assert_allclose(recovered, points, atol=cell / 2)


def test_uniform_heatmaps_give_the_centre():
    got = to_numpy(HeatmapsToKeypoints()(np.zeros((2, 8, 8, 3), "float32")))
    np.testing.assert_allclose(got, 0.0, atol=1e-6)


def test_battery(tmp_path):
    logits = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")
    run_layer_battery(HeatmapsToKeypoints(), logits, tmp_path)
    run_layer_battery(HeatmapsToKeypoints(return_distributions=True), logits, tmp_path)


def test_bad_input():
    with pytest.raises(ValueError, match="rank 4"):
        HeatmapsToKeypoints()(np.zeros((2, 8, 8), "float32"))
    with pytest.raises(ValueError, match="return_distributions"):
        HeatmapsToKeypoints(return_distributions="yes")
