import gc
import os
import shutil
import tempfile

import keras
import pytest

from keras_landmarks.precision import CPU_FLAGS_ENV
from tests.keras_free import module_reaches_keras

# The CPUs `precision="auto"` may see in a test. No test may depend on the CPU it
# runs on (AMX machines pick mixed_bfloat16 where others pick float32), so the
# whole suite sees one made-up CPU, `plain` unless KERAS_LANDMARKS_TEST_CPU names
# another; subprocesses inherit it. A test that depends on the choice takes the
# `fake_cpu` fixture and runs once per CPU below.
FAKE_CPUS = {
    "plain": "fpu sse2 avx2",
    "amx": "fpu avx2 avx512f avx512_bf16 amx_tile amx_bf16",
}
TEST_CPU_ENV = "KERAS_LANDMARKS_TEST_CPU"
_test_cpu = os.environ.get(TEST_CPU_ENV, "plain")
if _test_cpu not in FAKE_CPUS:
    raise pytest.UsageError(
        f"{TEST_CPU_ENV} must be one of {sorted(FAKE_CPUS)}. Received: {_test_cpu!r}"
    )
os.environ[CPU_FLAGS_ENV] = FAKE_CPUS[_test_cpu]


# Tests that never reach Keras (`tests/keras_free.py` reads it from their
# imports: tf.data pipelines, file readers and writers, numpy metrics) compute
# the same under every KERAS_BACKEND, so they run in one backend's lane only,
# PyTorch's (the lane that ends first); the other lanes skip them, saying why.
# KERAS_LANDMARKS_TEST_EVERY_BACKEND=1 runs them in every lane.
KERAS_FREE_LANE = "torch"
EVERY_BACKEND_ENV = "KERAS_LANDMARKS_TEST_EVERY_BACKEND"


# JAX compiles every new model's step, and many tests build the same tiny
# models: a persistent compilation cache (keyed by the computation, not the
# Python function) lets a later test, and a test's subprocesses, load what an
# earlier one compiled. It lives in a fresh folder for this run only (removed at
# the end), so no run sees another's; JAX_COMPILATION_CACHE_DIR set by the caller
# wins, and KERAS_LANDMARKS_TEST_JAX_CACHE=0 turns it off.
JAX_CACHE_ENV = "JAX_COMPILATION_CACHE_DIR"
TEST_JAX_CACHE_ENV = "KERAS_LANDMARKS_TEST_JAX_CACHE"
_jax_cache_dir = None
if (
    keras.backend.backend() == "jax"
    and not os.environ.get(JAX_CACHE_ENV)
    and os.environ.get(TEST_JAX_CACHE_ENV, "1") != "0"
):
    import jax

    _jax_cache_dir = tempfile.mkdtemp(prefix="keras_landmarks_tests_jax_cache_")
    os.environ[JAX_CACHE_ENV] = _jax_cache_dir
    os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    jax.config.update("jax_compilation_cache_dir", _jax_cache_dir)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


def pytest_sessionfinish(session, exitstatus):
    if _jax_cache_dir is not None:
        shutil.rmtree(_jax_cache_dir, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    if keras.backend.backend() == KERAS_FREE_LANE:
        return
    if os.environ.get(EVERY_BACKEND_ENV, "0") == "1":
        return
    skip = pytest.mark.skip(
        reason="reaches no Keras (tests/keras_free.py): it computes the same on "
        f"every backend and runs in the {KERAS_FREE_LANE} lane"
    )
    for item in items:
        if not module_reaches_keras(item.path):
            item.add_marker(skip)


def pytest_collection_finish(session):
    # Freezing what the imports made (the backend, the test modules: millions
    # of long-lived objects) keeps Python's garbage collections to the objects
    # the tests make.
    gc.collect()
    gc.freeze()


def pytest_report_header(config):
    return (
        f"keras {keras.__version__}, backend {keras.backend.backend()}, "
        f"precision='auto' sees the {_test_cpu!r} CPU ({FAKE_CPUS[_test_cpu]})"
    )


def pytest_generate_tests(metafunc):
    if "fake_cpu" in metafunc.fixturenames:
        metafunc.parametrize("fake_cpu", sorted(FAKE_CPUS), indirect=True)


@pytest.fixture
def fake_cpu(request, monkeypatch):
    """The test runs once per made-up CPU in `FAKE_CPUS`; returns its name."""
    monkeypatch.setenv(CPU_FLAGS_ENV, FAKE_CPUS[request.param])
    return request.param


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    # No forced full garbage collection per test (`free_memory=False`): with the
    # graphs of earlier tests on the heap it cost more than many tests (the
    # tests/layers + evaluation + visualization subset ran 1.3x-1.8x faster
    # without it on TensorFlow); Python's own collector still runs.
    keras.backend.clear_session(free_memory=False)
    yield
    keras.config.set_dtype_policy("float32")


def backend():
    return os.environ.get("KERAS_BACKEND", "tensorflow")


# Wiring tests (the CLI, the recipes, inference, presets, the training loop's files
# and resumes, exports, pictures) fit tiny models for a handful of steps. On
# TensorFlow, tracing a train step costs seconds per model, far more than those
# steps, so on TensorFlow tests under these folders run their fits eagerly
# (PyTorch's default anyway); the compiled step stays under test in tests/models,
# tests/layers, tests/losses, test_precision.py and test_distribution.py, and in
# any test marked `compiled`. JAX keeps compiling: it compiles each eager
# operation for its shapes, and on a quiet machine two samples of these tests ran
# 1.2x and 1.5x slower eagerly. KERAS_LANDMARKS_TEST_COMPILED=1 compiles every fit,
# as users' runs do.
EAGER_FOLDERS = {
    "cli",
    "data",
    "evaluation",
    "export",
    "inference",
    "presets",
    "recipes",
    "training",
    "visualization",
}
COMPILED_ENV = "KERAS_LANDMARKS_TEST_COMPILED"


def _runs_eagerly(request):
    if keras.backend.backend() != "tensorflow":
        return False
    if os.environ.get(COMPILED_ENV, "0") == "1":
        return False
    if request.node.get_closest_marker("compiled") is not None:
        return False
    folder = request.path.relative_to(request.config.rootpath / "tests").parts[0]
    return folder in EAGER_FOLDERS


@pytest.fixture(autouse=True)
def _eager_fits_in_wiring_tests(request, monkeypatch):
    if not _runs_eagerly(request):
        yield
        return
    compile_model = keras.Model.compile

    def compile_eagerly(self, *args, **kwargs):
        compile_model(self, *args, **kwargs)
        if kwargs.get("jit_compile") is not True:
            self.run_eagerly = True

    monkeypatch.setattr(keras.Model, "compile", compile_eagerly)
    yield
