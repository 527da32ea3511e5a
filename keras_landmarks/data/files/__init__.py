"""Finding, checking and decoding image and video files; skipping bad ones."""
