import pytest
from django.utils import translation


@pytest.fixture
def english():
    """The services' refusals matched by their English text, whatever the default
    language (pages follow the request's language, not this)."""
    with translation.override("en"):
        yield
