"""The shipped presets and the handles that name them.

`<preset>_expected.npz`, beside this file, holds 4 fixed inputs and the
keypoints the shipped preset gave for them when it was made (TensorFlow
backend, float32): 4 synthetic faces for `synthetic_faces`, 4 held-out frames
of box.mp4 for `box_video`. A preset whose weights or configuration change
fails `test_shipped_preset_gives_the_stored_keypoints` on every backend.
Regenerate them only when a preset is meant to change:
`KERAS_BACKEND=tensorflow python -m tests.presets.test_registry` (box.mp4 from
Debian's opencv-doc).
"""

from pathlib import Path

import keras
import numpy as np
import pytest

import keras_landmarks as kl
from keras_landmarks.file_digest import sha256_of_file
from keras_landmarks.presets import registry
from keras_landmarks.presets.preset_metadata import FACT_ENTRIES
from keras_landmarks.presets.preset_metadata import REQUIRED_ENTRIES
from tests.helpers import REPO
from tests.presets.fixtures import tiny_preset

HERE = Path(__file__).resolve().parent
# box.mp4's frames stored for `box_video` (held-out frames, never trained on).
BOX_VIDEO = Path("/usr/share/doc/opencv-doc/opencv4/html/box.mp4.gz")
BOX_FRAMES = (340, 370, 400, 440)
# Float32 convolutions differ in their last bits between backends; a changed
# weight moves keypoints by far more than this (pixels of a 48x48 image).
BACKEND_TOLERANCE_PX = 2e-3


def test_the_shipped_presets_are_known():
    assert "synthetic_faces" in registry.known_presets()
    assert kl.presets.known_presets() == registry.known_presets()


@pytest.mark.parametrize("name", registry.known_presets())
def test_shipped_preset_gives_the_stored_keypoints(name):
    expected = np.load(HERE / f"{name}_expected.npz")
    model = kl.models.LandmarkModel.from_preset(name)
    keypoints = model.predict_keypoints(expected["images"].astype("float32"))
    np.testing.assert_allclose(
        keypoints, expected["keypoints"], atol=BACKEND_TOLERANCE_PX, rtol=0
    )
    detector = kl.models.KeypointDetector.from_preset(name)
    np.testing.assert_array_equal(
        detector.predict_keypoints(expected["images"]), keypoints
    )


def test_shipped_metadata_is_complete_and_true():
    for name in registry.known_presets():
        folder = registry.preset_folder(name)
        metadata = kl.presets.read_metadata(folder)
        missing = (set(REQUIRED_ENTRIES) | set(FACT_ENTRIES)) - set(metadata)
        assert not missing, f"{name}: {sorted(missing)}"
        model = kl.models.LandmarkModel.from_preset(name)
        assert metadata["parameter_count"] == model.count_params()
        assert metadata["image_size"] == list(model.image_size)
        assert metadata["num_keypoints"] == model.num_keypoints
        weights = folder / "model.weights.h5"
        assert metadata["weights_bytes"] == weights.stat().st_size
        assert metadata["weights_sha256"] == sha256_of_file(weights)
        assert metadata["steps"] > 0 and metadata["train_seconds"] > 0
        # Each evaluation beside at least one baseline.
        for entry in metadata["evaluation"].values():
            if "overall" in entry:
                assert "trained detector" in entry["overall"]
                assert len(entry["overall"]) >= 2, entry
        assert (folder / "README.md").is_file()


def test_every_shipped_file_is_package_data():
    # What `pip install` copies: pyproject's package-data patterns must cover
    # every file of every shipped preset (a wheel without them loads nothing).
    import fnmatch

    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"][
        "keras_landmarks.presets"
    ]
    for name in registry.known_presets():
        for path in registry.preset_folder(name).iterdir():
            relative = f"{name}/{path.name}"
            assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


def test_list_has_one_line_per_preset_with_its_numbers():
    lines = kl.presets.list()
    assert len(lines) == len(registry.known_presets())
    for name, line in zip(registry.known_presets(), lines, strict=True):
        metadata = kl.presets.read_metadata(registry.preset_folder(name))
        assert line.startswith(f"{name}: ") and "\n" not in line
        numbers = [
            entry["overall"]
            for entry in metadata["evaluation"].values()
            if "overall" in entry
        ]
        assert numbers, f"{name} has no measured numbers"
        for overall in numbers:
            baselines = dict(overall)
            assert f"{baselines.pop('trained detector'):.2f}" in line
            for baseline, value in baselines.items():
                assert f"{baseline} {value:.2f}" in line


def test_the_readme_lists_every_preset_with_its_numbers():
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Presets") :]
    section = section[: section.index("\n## ", 1)]
    for name in registry.known_presets():
        metadata = kl.presets.read_metadata(registry.preset_folder(name))
        row = next(
            line for line in section.splitlines() if line.startswith(f"| `{name}`")
        )
        overall = next(
            entry["overall"]
            for entry in metadata["evaluation"].values()
            if "overall" in entry
        )
        numbers = " / ".join(
            f"{overall[key]:.2f}"
            for key in ("trained detector", "untrained detector", "mean shape")
            if key in overall
        )
        assert numbers in row, row
        assert f"{metadata['weights_bytes']:,} bytes" in row
        assert f"{metadata['steps']:,} steps" in row
        assert metadata["command"] in row


def test_an_unknown_name_lists_the_known_presets():
    with pytest.raises(ValueError, match="Unknown preset 'faces'") as error:
        kl.models.LandmarkModel.from_preset("faces")
    known = ", ".join(registry.known_presets())
    assert f"Known presets: {known}" in str(error.value)
    assert "synthetic_faces" in known


def test_a_local_folder_loads(tmp_path):
    model = tiny_preset(tmp_path / "mine")
    loaded = kl.models.LandmarkModel.from_preset(str(tmp_path / "mine"))
    images = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3))
    np.testing.assert_array_equal(
        loaded.predict_keypoints(images), model.predict_keypoints(images)
    )


def test_hugging_face_handles_go_to_keras_loader(tmp_path, monkeypatch):
    # No host is reachable here: check the handle reaches Keras' own loader,
    # which (Keras 3.15.1) downloads the repository and reads the same layout.
    model = tiny_preset(tmp_path / "hub")
    calls = []

    def load_model(handle, **kwargs):
        calls.append((handle, kwargs))
        return kl.presets.load_preset_folder(tmp_path / "hub")

    monkeypatch.setattr(keras.saving, "load_model", load_model)
    loaded = kl.models.LandmarkModel.from_preset("hf://someone/landmarks")
    assert calls == [("hf://someone/landmarks", {"compile": False, "safe_mode": True})]
    images = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3))
    np.testing.assert_array_equal(
        loaded.predict_keypoints(images), model.predict_keypoints(images)
    )

    monkeypatch.setattr(
        keras.saving, "load_model", lambda *a, **k: keras.Sequential([])
    )
    with pytest.raises(ValueError, match="holds a Sequential"):
        kl.presets.load_preset("hf://someone/other")


def test_kaggle_handles_are_refused_with_the_way_around():
    with pytest.raises(ValueError, match="no kaggle:// loader.*kagglehub"):
        kl.presets.load_preset("kaggle://someone/landmarks/keras/faces")


def _expected_inputs(name):
    if name == "synthetic_faces":
        from keras_landmarks.data import make_faces
        from keras_landmarks.data.synthetic.faces import FRAMINGS

        images, _ = make_faces(4, size=48, seed=2024, clutter=0.5, **FRAMINGS["loose"])
        return images
    if name == "box_video":
        import gzip
        import tempfile

        from keras_landmarks.data.files.video_files import VideoFrameStream
        from keras_landmarks.inference.model_input import resize_for_model

        with tempfile.NamedTemporaryFile(suffix=".mp4") as video:
            video.write(gzip.decompress(BOX_VIDEO.read_bytes()))
            video.flush()
            with VideoFrameStream(video.name) as stream:
                frames = [f for t, f in enumerate(stream) if t in BOX_FRAMES]
        size = kl.models.LandmarkModel.from_preset(name).image_size
        return resize_for_model(frames, size).round()
    raise ValueError(f"no stored inputs for preset {name!r}")


def _write_expected():
    for name in registry.known_presets():
        images = _expected_inputs(name).astype("uint8")
        model = kl.models.LandmarkModel.from_preset(name)
        keypoints = model.predict_keypoints(images.astype("float32"))
        path = HERE / f"{name}_expected.npz"
        np.savez(path, images=images, keypoints=keypoints)
        print(f"{path}: {keras.backend.backend()}\n{keypoints[0]}")


if __name__ == "__main__":
    _write_expected()
