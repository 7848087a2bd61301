import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enterprises.services import enterprise_register
from tests.cast import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login failures and the token endpoint's rate limit live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_for():
    """An API client authenticated with the user's token (as integrations are)."""

    def make(user, language="en"):
        client = APIClient(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def pending_user(cast):
    """The admin of an enterprise that registered itself and awaits its district."""
    enterprise = enterprise_register(
        uscc="91110105MA00000038",
        name="北京待审核科技有限公司",
        region=cast.chaoyang,
        contact_name="王芳",
        contact_phone="13800000000",
        username="t-pending",
        email="pending@example.cn",
        password=PASSWORD,
    )
    return enterprise.account.users.get()
