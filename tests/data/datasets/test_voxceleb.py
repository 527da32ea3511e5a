import pytest

from keras_landmarks.data.datasets.voxceleb import read_identity_list
from keras_landmarks.data.datasets.voxceleb import voxceleb_identities
from keras_landmarks.data.datasets.voxceleb import voxceleb_pairs
from keras_landmarks.data.datasets.voxceleb import voxceleb_videos
from tests.data.fixtures import counter_frames
from tests.data.fixtures import write_image


def _voxceleb(root):
    for identity, video in (("A.J._Buckley", "1zcIwhmdeo4"), ("Eva_Green", "a1b2c3")):
        for t, frame in enumerate(counter_frames(8)):
            write_image(root / identity / "1.6" / video / f"{t:07d}.png", frame)
    return root


def test_split_by_identity_initial(tmp_path):
    root = _voxceleb(tmp_path)
    (test,) = voxceleb_videos(root, "test")
    assert "Eva_Green" in test[0] and len(test) == 8
    assert len(voxceleb_videos(root, "train")) == 1
    assert len(voxceleb_videos(root, "all")) == 2


def test_pairs(tmp_path):
    pairs = list(voxceleb_pairs(_voxceleb(tmp_path), "all", 16, num_pairs=4))
    assert len(pairs) == 4 and pairs[0]["source"].shape == (16, 16, 3)
    for pair in pairs:
        gap = abs(float(pair["source"][0, 0, 0] - pair["target"][0, 0, 0])) / 4
        assert 3 <= gap <= 7


def test_wrong_layout_raises(tmp_path):
    with pytest.raises(ValueError, match="unzippedFaces"):
        voxceleb_videos(tmp_path / "missing")
    with pytest.raises(ValueError, match="found none"):
        voxceleb_videos(tmp_path)


def test_excluded_identities_are_left_out_and_logged(tmp_path, caplog):
    root = _voxceleb(tmp_path)
    for t, frame in enumerate(counter_frames(8)):
        write_image(root / "Bono" / "1.6" / "v1" / f"{t:07d}.png", frame)
    listing = tmp_path / "in_test_sets.txt"
    listing.write_text("# identities in MAFL/AFLW test\nA.J._Buckley\n\nNobody\n")
    excluded = read_identity_list(listing)
    assert excluded == {"A.J._Buckley", "Nobody"}
    with caplog.at_level("INFO", logger="keras_landmarks.data"):
        (video,) = voxceleb_videos(root, "train", excluded)
    assert "Bono" in video[0]
    assert "left out 1 excluded identities (A.J._Buckley)" in caplog.text
    assert voxceleb_identities(root) == {"A.J._Buckley", "Bono", "Eva_Green"}
    with pytest.raises(ValueError, match="after excluding 2 identities"):
        voxceleb_videos(root, "train", {"A.J._Buckley", "Bono"})
    with pytest.raises(ValueError, match="identity names"):
        read_identity_list(tmp_path / "missing.txt")
