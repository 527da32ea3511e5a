"""The SHA-256 of a file read in blocks."""

import hashlib

import numpy as np

from keras_landmarks.file_digest import sha256_of_file


def test_digest_of_a_file_longer_than_one_block(tmp_path):
    data = np.random.default_rng(0).bytes(3 * (1 << 20) + 17)  # 3 blocks and a bit
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    assert sha256_of_file(path) == hashlib.sha256(data).hexdigest()
    path.write_bytes(b"")
    assert sha256_of_file(path) == hashlib.sha256(b"").hexdigest()
