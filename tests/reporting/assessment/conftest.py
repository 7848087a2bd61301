import pytest

from tests.reporting.assessment.world import build_world


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()
