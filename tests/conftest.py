import gc
import os

import keras
import pytest

from keras_landmarks.precision import CPU_FLAGS_ENV

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


def pytest_collection_finish(session):
    # Every test starts with `clear_session`, which runs a full garbage
    # collection. Freezing what the imports made (the backend, the test
    # modules: millions of long-lived objects) limits each collection to the
    # objects the tests make: about 0.4 s less per test.
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
    keras.backend.clear_session()
    yield
    keras.config.set_dtype_policy("float32")


def backend():
    return os.environ.get("KERAS_BACKEND", "tensorflow")
