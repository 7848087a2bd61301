import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from enterprises.services import enterprise_register
from portal import tokens
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


class TokenClient(APIClient):
    """An API client holding the user's token, as an integration does.

    Tokens expire (portal/tokens.py); an integration then asks for a new one.
    This client does the same before a request whose token has expired, so a
    test that travels days ahead in time keeps an authenticated client. The
    expiry itself is tested with plain clients in test_token_lifetime.py.
    """

    def __init__(self, user, **defaults):
        super().__init__(**defaults)
        self._user = user
        self._authenticate()

    def _authenticate(self):
        self._token = tokens.issue(self._user)
        self.credentials(HTTP_AUTHORIZATION=f"Token {self._token.key}")

    def request(self, **kwargs):
        # Checked in memory: a fresh token adds no query to the ones a test counts.
        if tokens.is_expired(self._token):
            self._authenticate()
        return super().request(**kwargs)


@pytest.fixture
def api_for():
    """An API client authenticated with the user's token (as integrations are)."""

    def make(user, language="en"):
        return TokenClient(user, **({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))

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
