"""The JAX lane's persistent compilation cache (tests/conftest.py)."""

import os

import keras
import numpy as np
import pytest

from tests.conftest import JAX_CACHE_ENV
from tests.conftest import TEST_JAX_CACHE_ENV


@pytest.mark.skipif(
    keras.backend.backend() != "jax", reason="a cache of JAX's compilations"
)
def test_jax_compilations_go_to_this_runs_cache_and_reach_subprocesses():
    if os.environ.get(TEST_JAX_CACHE_ENV) == "0":
        pytest.skip(f"{TEST_JAX_CACHE_ENV}=0 turned the cache off")
    import jax

    cache = jax.config.jax_compilation_cache_dir
    assert cache and os.path.isdir(cache)
    assert os.environ[JAX_CACHE_ENV] == cache  # what subprocesses inherit
    before = set(os.listdir(cache))
    # A computation no other test compiles: it must land in the cache.
    x = np.arange(13 * 7, dtype="float32").reshape(13, 7)
    jax.jit(lambda t: t * 0.123456 + 17.0)(x).block_until_ready()
    assert set(os.listdir(cache)) - before
