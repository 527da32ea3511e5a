import pytest

from tests.presets.fixtures import tiny_metadata


@pytest.fixture
def metadata():
    return tiny_metadata()
