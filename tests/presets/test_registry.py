"""The shipped presets and the handles that name them.

`synthetic_faces_expected.npz`, beside this file, holds 4 fixed faces and the
keypoints the shipped `synthetic_faces` preset gave for them when it was
made (TensorFlow backend, float32); a preset whose weights or configuration
change fails `test_shipped_preset_gives_the_stored_keypoints` on every
backend. Regenerate it only when the preset is meant to change:
`KERAS_BACKEND=tensorflow python -m tests.presets.test_registry`.
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

EXPECTED = Path(__file__).resolve().parent / "synthetic_faces_expected.npz"
# Float32 convolutions differ in their last bits between backends; a changed
# weight moves keypoints by far more than this (pixels of a 48x48 image).
BACKEND_TOLERANCE_PX = 2e-3


def test_the_shipped_presets_are_known():
    assert "synthetic_faces" in registry.known_presets()
    assert kl.presets.known_presets() == registry.known_presets()


def test_shipped_preset_gives_the_stored_keypoints():
    expected = np.load(EXPECTED)
    model = kl.models.LandmarkModel.from_preset("synthetic_faces")
    keypoints = model.predict_keypoints(expected["images"].astype("float32"))
    np.testing.assert_allclose(
        keypoints, expected["keypoints"], atol=BACKEND_TOLERANCE_PX, rtol=0
    )
    detector = kl.models.KeypointDetector.from_preset("synthetic_faces")
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
        # Each evaluation beside its baselines.
        for entry in metadata["evaluation"].values():
            if "overall" in entry:
                assert {"trained detector", "mean shape"} <= set(entry["overall"])
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
            assert f"{overall['trained detector']:.2f}" in line
            assert f"mean shape {overall['mean shape']:.2f}" in line


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
        )
        assert numbers in row, row
        assert f"{metadata['weights_bytes']:,} bytes" in row
        assert f"{metadata['steps']:,} steps" in row
        assert metadata["command"] in row


def test_an_unknown_name_lists_the_known_presets():
    with pytest.raises(ValueError, match="Unknown preset 'faces'") as error:
        kl.models.LandmarkModel.from_preset("faces")
    assert "Known presets: synthetic_faces" in str(error.value)


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


def _write_expected():
    from keras_landmarks.data import make_faces
    from keras_landmarks.data.synthetic.faces import FRAMINGS

    images, _ = make_faces(4, size=48, seed=2024, clutter=0.5, **FRAMINGS["loose"])
    model = kl.models.LandmarkModel.from_preset("synthetic_faces")
    keypoints = model.predict_keypoints(images.astype("float32"))
    np.savez(EXPECTED, images=images.astype("uint8"), keypoints=keypoints)
    print(f"{EXPECTED}: {keras.backend.backend()}\n{keypoints[0]}")


if __name__ == "__main__":
    _write_expected()
