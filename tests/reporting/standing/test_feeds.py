"""Feed clients: created and revoked by the city office (the token shown once, kept
only as a hash), their scopes, districts, rate limits and the trail of requests."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from enterprises.uscc import make_uscc
from reporting.standing.feeds import clients
from reporting.standing.feeds.auth import digest
from reporting.standing.models import FeedClient, FeedRequest, StandingChange, WarningEntry

pytestmark = pytest.mark.django_db

ALL = ["status", "changes", "export"]


@pytest.fixture(autouse=True)
def _fresh_rates():
    cache.clear()
    yield
    cache.clear()


def make(cast, *, scopes=ALL, regions=(), rate="1000/min", name="征信中心"):
    client, token = clients.create_client(
        actor=cast.city,
        name=name,
        kind=FeedClient.Kind.CREDIT,
        scopes=scopes,
        regions=regions,
        rate_limit=rate,
    )
    return client, {"HTTP_AUTHORIZATION": f"Feed {token}"}


def post(client, url, auth, body):
    return client.post(url, body, content_type="application/json", **auth)


def test_status_lookup_by_uscc(cast, client, nightly):
    _feed, auth = make(cast)
    unknown = make_uscc("110105", "MA9999999")
    codes = [nightly.level_1.uscc, nightly.revoked.uscc.lower(), unknown]
    response = post(client, "/api/v1/feeds/status/", auth, {"uscc": codes + ["123"]})
    assert response.status_code == 200
    data = response.json()
    rows = {row["name"]: row for row in data["results"]}
    level_1 = rows["一级企业"]
    assert (level_1["grade"], level_1["certificate_status"], level_1["supervision_tier"]) == (
        "1",
        "valid",
        "light",
    )
    assert level_1["certificate_number"] and level_1["valid_until"]
    assert level_1["warning_list"] is False
    revoked = rows["撤销一"]
    assert revoked["grade"] is None and revoked["warning_list"] is True
    assert revoked["warning_rules"] == ["revoked_certificate"]
    assert revoked["supervision_tier"] == "key"
    assert data["not_found"] == [unknown]
    assert [row["uscc"] for row in data["invalid"]] == ["123"]


def test_every_request_is_kept_with_its_codes(cast, client, nightly):
    feed, auth = make(cast)
    post(client, "/api/v1/feeds/status/", auth, {"uscc": [nightly.level_1.uscc]})
    trail = FeedRequest.objects.get(client=feed)
    assert (trail.endpoint, trail.status_code, trail.count) == ("status", 200, 1)
    assert trail.usccs == [nightly.level_1.uscc]


def test_a_client_of_one_district_does_not_see_another(cast, client, nightly):
    _feed, auth = make(cast, regions=[cast.haidian])
    data = post(
        client, "/api/v1/feeds/status/", auth, {"uscc": [nightly.level_1.uscc, cast.other_ent.uscc]}
    ).json()
    assert [row["uscc"] for row in data["results"]] == [cast.other_ent.uscc]
    assert data["not_found"] == [nightly.level_1.uscc]


def test_asking_beyond_its_scope_is_refused_with_a_message(cast, client, english, nightly):
    feed, auth = make(cast, scopes=["status"])
    entries = WarningEntry.objects.count()
    response = client.get("/api/v1/feeds/changes/", **auth)
    assert response.status_code == 403
    assert "may not use" in response.json()["detail"]
    response = post(client, "/api/v1/feeds/export/", auth, {"uscc": [cast.ent.uscc]})
    assert response.status_code == 403
    assert WarningEntry.objects.count() == entries
    assert list(feed.requests.values_list("status_code", flat=True)) == [403, 403]


def test_bad_bodies_get_a_message(cast, client, english, nightly, settings):
    _feed, auth = make(cast)
    settings.FEED_MAX_USCCS = 3
    response = post(client, "/api/v1/feeds/status/", auth, {"uscc": ["a", "b", "c", "d"]})
    assert response.status_code == 400
    assert "At most 3 codes" in str(response.json())
    assert post(client, "/api/v1/feeds/status/", auth, {"uscc": []}).status_code == 400
    assert post(client, "/api/v1/feeds/status/", auth, {"codes": ["x"]}).status_code == 400


def test_revoked_tokens_and_user_credentials_do_not_open_the_feeds(
    cast, client, client_for, nightly
):
    feed, auth = make(cast)
    clients.revoke_client(actor=cast.city, client=feed)
    assert post(client, "/api/v1/feeds/status/", auth, {"uscc": [cast.ent.uscc]}).status_code == 401
    wrong = {"HTTP_AUTHORIZATION": auth["HTTP_AUTHORIZATION"][:-2] + "xx"}
    _other, _auth = make(cast, name="另一家")
    assert (
        post(client, "/api/v1/feeds/status/", wrong, {"uscc": [cast.ent.uscc]}).status_code == 401
    )
    # A logged-in official is no feed client.
    city = client_for(cast.city)
    assert city.post(
        "/api/v1/feeds/status/", {"uscc": [cast.ent.uscc]}, content_type="application/json"
    ).status_code in (401, 403)


def test_each_client_has_its_rate_limit(cast, client, nightly):
    _feed, auth = make(cast, rate="2/min")
    codes = {"uscc": [cast.ent.uscc]}
    assert [post(client, "/api/v1/feeds/status/", auth, codes).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    _other, other_auth = make(cast, name="保险公司", rate="2/min")
    assert post(client, "/api/v1/feeds/status/", other_auth, codes).status_code == 200


def test_the_change_feed_pages_with_an_opaque_cursor(cast, client, nightly, settings):
    settings.FEED_CHANGES_PAGE = 4
    feed, auth = make(cast)
    first = client.get("/api/v1/feeds/changes/", **auth).json()
    assert len(first["changes"]) == 4 and first["has_more"] is True
    seen = list(first["changes"])
    cursor = first["next_cursor"]
    while True:
        page = client.get("/api/v1/feeds/changes/", {"cursor": cursor}, **auth).json()
        seen += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert len(seen) == StandingChange.objects.count() == 6  # the warnings opened
    assert {c["kind"] for c in seen} == {"warning_opened"}
    # Nothing new: the same cursor gives nothing.
    assert client.get("/api/v1/feeds/changes/", {"cursor": cursor}, **auth).json()["changes"] == []
    assert client.get("/api/v1/feeds/changes/", {"cursor": "forged"}, **auth).status_code == 400
    _other, other_auth = make(cast, name="另一家")
    refused = client.get("/api/v1/feeds/changes/", {"cursor": cursor}, **other_auth)
    assert refused.status_code == 400
    haidian, haidian_auth = make(cast, name="海淀采购", regions=[cast.haidian])
    only = client.get("/api/v1/feeds/changes/", **haidian_auth).json()["changes"]
    assert [c["uscc"] for c in only] == [cast.other_ent.uscc]
    assert client.get("/api/v1/feeds/changes/", {"since": "2026-13-01"}, **auth).status_code == 400


def test_the_export_is_a_workbook_of_the_lookup(cast, client, nightly):
    _feed, auth = make(cast)
    response = post(
        client, "/api/v1/feeds/export/", auth, {"uscc": [nightly.level_1.uscc, nightly.fatal.uscc]}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["一级企业", "死亡事故"]


def test_the_lookup_of_many_codes_reads_few_queries(
    cast, client, nightly, django_assert_max_num_queries
):
    _feed, auth = make(cast)
    codes = [nightly.level_1.uscc] * 3 + [cast.ent.uscc, cast.other_ent.uscc]
    with django_assert_max_num_queries(10):
        assert post(client, "/api/v1/feeds/status/", auth, {"uscc": codes}).status_code == 200


def test_the_city_office_creates_a_client_and_sees_the_token_once(cast, client_for, nightly):
    client = client_for(cast.city)
    response = client.post(
        "/standing/feed-clients/",
        {
            "name": "公共资源交易平台",
            "kind": "procurement",
            "scopes": ["status"],
            "rate_limit": "30/min",
        },
    )
    assert response.status_code == 200
    token = response.context["token"]
    assert token.startswith("wsf_") and token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    feed = FeedClient.objects.get(name="公共资源交易平台")
    assert feed.token_hash == digest(token) and token not in str(
        FeedClient.objects.filter(pk=feed.pk).values().get()
    )
    assert token not in client.get("/standing/feed-clients/").content.decode()
    # Bad input: a message, nothing created.
    bad = client.post(
        "/standing/feed-clients/",
        {"name": "保险", "kind": "insurer", "scopes": ["status"], "rate_limit": "lots"},
    )
    assert bad.status_code == 400 and FeedClient.objects.count() == 1
    client.post(f"/standing/feed-clients/{feed.pk}/revoke/")
    feed.refresh_from_db()
    assert feed.revoked_at is not None


@pytest.mark.parametrize("role", ["district", "regulator", "enterprise", "association"])
def test_only_the_city_office_manages_clients(cast, client_for, role):
    feed, _auth = make(cast)
    client = client_for(getattr(cast, role))
    assert client.get("/standing/feed-clients/").status_code == 403
    assert client.post(f"/standing/feed-clients/{feed.pk}/revoke/").status_code == 403
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_the_city_office_reads_the_trail_of_requests(cast, client, client_for, nightly):
    _feed, auth = make(cast, name="人保财险")
    post(client, "/api/v1/feeds/status/", auth, {"uscc": [nightly.fatal.uscc]})
    page = client_for(cast.city).get("/standing/feed-clients/").content.decode()
    assert "人保财险" in page and nightly.fatal.uscc in page
