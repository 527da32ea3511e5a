import numpy as np
import pytest

from keras_landmarks.data.synthetic.faces import LANDMARK_NAMES
from keras_landmarks.data.synthetic.faces import LOOSE_FRAMING
from keras_landmarks.data.synthetic.faces import make_faces

CLEAN = dict(clutter=False, lighting=False, noise=0.0)


def luminance(images):
    return images.astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def pixel_at(lum, points):
    """Luminance of the pixel nearest each `(N, 2)` point of `(N, H, W)` images."""
    x = np.round(points[:, 0]).astype(int)
    y = np.round(points[:, 1]).astype(int)
    return lum[np.arange(len(lum)), y, x]


@pytest.mark.parametrize("size", [16, 32, 64, 128])
def test_shapes_and_dtypes(size):
    images, landmarks = make_faces(3, size=size)
    assert images.shape == (3, size, size, 3)
    assert images.dtype == np.uint8
    assert landmarks.shape == (3, 5, 2)
    assert landmarks.dtype == np.float32
    assert len(LANDMARK_NAMES) == 5


def test_same_seed_same_output_different_seed_differs():
    images, landmarks = make_faces(4, size=32, seed=7)
    again_images, again_landmarks = make_faces(4, size=32, seed=7)
    other_images, other_landmarks = make_faces(4, size=32, seed=8)
    np.testing.assert_array_equal(images, again_images)
    np.testing.assert_array_equal(landmarks, again_landmarks)
    assert not np.array_equal(images, other_images)
    assert not np.allclose(landmarks, other_landmarks)


def test_several_chunks_are_deterministic_and_varied():
    # At 64x64 a chunk holds 16 images; 20 images span two chunks.
    images, landmarks = make_faces(20, size=64, seed=1)
    again, _ = make_faces(20, size=64, seed=1)
    np.testing.assert_array_equal(images, again)
    assert np.all(images.reshape(20, -1).std(axis=1) > 10)
    assert len(np.unique(landmarks[:, 0, 0])) == 20
    assert not np.array_equal(images[15], images[16])


def test_default_framing_is_the_aligned_crop():
    size = 64
    _, landmarks = make_faces(200, size=size, seed=3)
    inter_ocular = np.linalg.norm(landmarks[:, 0] - landmarks[:, 1], axis=-1) / size
    assert inter_ocular.min() >= 0.25 - 1e-4
    assert inter_ocular.max() <= 0.35 + 1e-4
    midpoint = landmarks[:, :2].mean(axis=1)
    np.testing.assert_array_less(
        np.abs(midpoint - [(size - 1) / 2, 0.4 * (size - 1)]), 0.06 * size + 1e-3
    )
    assert np.all((landmarks >= 0) & (landmarks <= size - 1))
    eye_axis = landmarks[:, 1] - landmarks[:, 0]
    angle = np.degrees(np.arctan2(eye_axis[:, 1], eye_axis[:, 0]))
    assert np.abs(angle).max() <= 15.0 + 1e-3
    assert np.abs(angle).max() > 10.0


def test_loose_framing_is_smaller_and_more_varied():
    size = 64
    _, aligned = make_faces(200, size=size, seed=3)
    _, loose = make_faces(200, size=size, seed=3, **LOOSE_FRAMING)
    aligned_iod = np.linalg.norm(aligned[:, 0] - aligned[:, 1], axis=-1)
    loose_iod = np.linalg.norm(loose[:, 0] - loose[:, 1], axis=-1)
    assert loose_iod.mean() < 0.7 * aligned_iod.mean()
    spread = np.std(loose[:, :2].mean(axis=1) / loose_iod[:, None], axis=0)
    aligned_spread = np.std(aligned[:, :2].mean(axis=1) / aligned_iod[:, None], axis=0)
    assert np.all(spread > aligned_spread)


def test_left_is_the_image_left_when_unrotated():
    _, landmarks = make_faces(50, size=64, seed=2, max_rotation=0.0)
    x = landmarks[..., 0]
    y = landmarks[..., 1]
    assert np.all(x[:, 0] < x[:, 1])  # eyes
    assert np.all(x[:, 3] < x[:, 4])  # mouth corners
    np.testing.assert_allclose(y[:, 0], y[:, 1], atol=1e-3)  # level eyes
    assert np.all(y[:, 2] > y[:, 0])  # nose below the eyes
    assert np.all(np.minimum(y[:, 3], y[:, 4]) > y[:, 2])  # mouth below the nose
    assert np.all((x[:, 2] > x[:, 0]) & (x[:, 2] < x[:, 1]))  # nose between eyes


def test_landmarks_lie_on_the_drawn_features():
    # Clean images at 128x128, where the pupil is over a pixel wide.
    images, landmarks = make_faces(40, size=128, seed=5, max_rotation=0.0, **CLEAN)
    lum = luminance(images)
    inter_ocular = np.linalg.norm(landmarks[:, 0] - landmarks[:, 1], axis=-1)
    below = np.stack([0 * inter_ocular, 0.3 * inter_ocular], axis=1)
    for eye in (0, 1):
        cheek = pixel_at(lum, landmarks[:, eye] + below)
        # The landmark is on the pupil: much darker than the cheek below it.
        assert np.all(pixel_at(lum, landmarks[:, eye]) < 0.3 * cheek)
    cheek = pixel_at(lum, landmarks[:, 0] + below)
    for corner in (3, 4):
        # Mouth corners are shadowed where the lips meet.
        assert np.all(pixel_at(lum, landmarks[:, corner]) < 0.75 * cheek)
    # A dark nostril lies within 0.15 inter-ocular distances of the nose tip.
    ys, xs = np.mgrid[0:128, 0:128]
    for index in range(len(images)):
        x, y = landmarks[index, 2]
        near = (xs - x) ** 2 + (ys - y) ** 2 <= (0.15 * inter_ocular[index]) ** 2
        assert lum[index][near].min() < 0.6 * cheek[index]


def test_clean_background_is_plain():
    images, _ = make_faces(4, size=32, **CLEAN)
    corners = images[:, [0, 0, -1], [0, -1, 0]]
    np.testing.assert_array_equal(corners, np.repeat(images[:, :1, 0], 3, axis=1))


def test_noise_and_clutter_change_the_image():
    clean, landmarks = make_faces(2, size=32, seed=4, **CLEAN)
    noisy, noisy_landmarks = make_faces(2, size=32, seed=4)
    np.testing.assert_allclose(landmarks, noisy_landmarks)
    assert not np.array_equal(clean, noisy)


def test_clutter_strength_scales_the_background_contrast():
    kwargs = dict(
        num_images=6, size=32, seed=5, lighting=False, noise=0.0, **LOOSE_FRAMING
    )
    full, landmarks = make_faces(clutter=True, **kwargs)
    np.testing.assert_array_equal(full, make_faces(clutter=1.0, **kwargs)[0])
    half, half_landmarks = make_faces(clutter=0.5, **kwargs)
    plain, _ = make_faces(clutter=0.0, **kwargs)
    np.testing.assert_allclose(landmarks, half_landmarks)

    def corner_spread(images):
        # Background only: the top corners are never covered by the face.
        corners = np.concatenate([images[:, :6, :6], images[:, :6, -6:]], axis=2)
        return luminance(corners).std(axis=(1, 2)).mean()

    assert corner_spread(plain) < 1e-6
    assert 0.2 * corner_spread(full) < corner_spread(half) < 0.8 * corner_spread(full)


BAD_ARGUMENTS = [
    (dict(num_images=0), "num_images"),
    (dict(num_images=2.0), "num_images"),
    (dict(num_images=1, size=15), "size"),
    (dict(num_images=1, seed=-1), "seed"),
    (dict(num_images=1, inter_ocular_range=(0.4, 0.3)), "inter_ocular_range"),
    (dict(num_images=1, inter_ocular_range=0.3), "inter_ocular_range"),
    (dict(num_images=1, max_rotation=-1.0), "max_rotation"),
    (dict(num_images=1, max_yaw=60.0), "max_yaw"),
    (dict(num_images=1, noise=-0.1), "noise"),
    (dict(num_images=1, clutter="yes"), "clutter"),
    (dict(num_images=1, clutter=1.5), "clutter=1.5"),
]


def test_bad_arguments_raise():
    for kwargs, message in BAD_ARGUMENTS:
        with pytest.raises(ValueError, match=message):
            make_faces(**kwargs)
