"""The SHA-256 of a file, read in 1 MiB blocks (checkpoints, downloaded weights)."""

import hashlib


def sha256_of_file(path):
    """Hex SHA-256 digest of the file at `path`."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
