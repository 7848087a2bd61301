"""The public side (no login): one header on every public page, the registry
of certified enterprises, the certificate check with typed numbers, ended
publicity and the objection's contact and reference."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from certification.models import Certificate, Objection
from certification.public.objection_input import objection_reference
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue
from tests.certification.test_publicity import AFTER, MONDAY, item_of, new_enterprise, published

DURING = "2027-06-01 10:00 +0800"  # the certificates below run 2026-03-12 – 2029-03-11
HEADER_LINKS = [
    "/public/announcements/",
    "/public/publicity/",
    "/public/certified/",
    "/verify/",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Lookups and objections are counted per address."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def en():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def certificate(cast, version):
    return issue(cast, version)


def header(html: str) -> str:
    match = re.search(r'<header[^>]*data-testid="public-header".*?</header>', html, re.S)
    assert match, "no public header"
    return match.group(0)


def test_every_public_page_has_the_header_with_the_four_links(cast, certificate, en):
    announcement = certificate.announcement
    pages = [
        reverse("public:announcements"),
        reverse("public:announcement_detail", args=[announcement.pk]),
        reverse("public:publicity"),
        reverse(
            "public:publicity_detail", args=[certificate.application.publicity_items.get().batch_id]
        ),
        reverse("public:certified"),
        reverse("verify:lookup"),
        reverse("public_supervision:list"),
    ]
    for url in pages:
        with time_machine.travel(DURING):
            response = en.get(url)
        assert response.status_code == 200, url
        nav = header(response.content.decode())
        for link in HEADER_LINKS:
            assert f'href="{link}"' in nav, (url, link)
        assert "Certificate check" in nav and "Certified enterprises" in nav
        # The page's own entry is marked as the current one.
        assert nav.count('aria-current="page"') <= 1


def test_the_current_section_is_marked(en):
    nav = header(en.get(reverse("verify:lookup")).content.decode())
    current = re.search(r'<a class="[^"]*active" aria-current="page" href="([^"]+)"', nav)
    assert current and current.group(1) == "/verify/"


def test_the_login_page_links_the_check(en):
    html = en.get(reverse("login")).content.decode()
    assert 'data-testid="login-check-link"' in html and 'href="/verify/"' in html


def test_announcement_rows_link_each_certificate_to_its_check(certificate, en):
    html = en.get(reverse("public:announcement_detail", args=[certificate.announcement_id]))
    html = html.content.decode()
    assert (
        f'href="/verify/?number={certificate.number}"'.replace(
            certificate.number, "%E4%BA%AC" + certificate.number[1:]
        ).replace("Ⅲ", "%E2%85%A2")
        in html
    )

    # The link finds the certificate.
    with time_machine.travel(DURING):
        found = en.get(reverse("verify:lookup"), {"number": certificate.number}).content.decode()
    assert certificate.enterprise.name in found and 'data-state="valid"' in found


@pytest.mark.parametrize(
    "typed",
    [
        "京aqbjx iii 2026 00001",
        "京ＡＱＢＪＸⅢ２０２６００００１",
        "京AQBJX3202600001",
        "AQBJXIII202600001",
    ],
)
def test_the_check_accepts_the_number_as_typed_and_says_what_it_found(cast, certificate, en, typed):
    assert certificate.number == "京AQBJXⅢ202600001"
    with time_machine.travel(DURING):
        response = en.get(reverse("verify:lookup"), {"number": typed})
    html = response.content.decode()
    found = re.search(r'data-testid="found">(.*?)</p>', html, re.S).group(1)
    assert "One certificate found" in found
    assert certificate.enterprise.name in found
    assert "Level 3" in found or "level 3" in found.lower()
    assert "valid 2026-03-12 – 2029-03-11" in found
    assert "Valid" in found
    assert "Looked up as 京AQBJXⅢ202600001" in html


def test_the_check_shows_a_revoked_certificate_as_revoked(cast, certificate, en):
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    with time_machine.travel(DURING):
        html = en.get(reverse("verify:lookup"), {"number": "京AQBJXiii202600001"}).content.decode()
    assert 'data-state="revoked"' in html and "Revoked" in html


def test_a_wrong_number_still_finds_nothing(certificate, en):
    html = en.get(reverse("verify:lookup"), {"number": "京AQBJXII202600001"}).content.decode()
    assert 'data-testid="not-found"' in html and certificate.enterprise.name not in html


def test_the_verify_api_accepts_typed_numbers_too(certificate, en):
    with time_machine.travel(DURING):
        response = en.get("/api/v1/public/verify/", {"number": "京ａｑｂｊｘ iii 2026 00001"})
    assert response.status_code == 200
    (entry,) = response.json()["results"]
    assert entry["certificate"]["number"] == "京AQBJXⅢ202600001"
    assert entry["statement"]["state"] == "valid"


def test_the_registry_lists_certificates_in_force_only(
    cast, version, certificate, en, django_assert_max_num_queries
):
    other, user = new_enterprise(cast, "北京朝阳吊销机械厂")
    revoked = issue(cast, version, enterprise=other, user=user)
    Certificate.objects.filter(pk=revoked.pk).update(status=Certificate.Status.REVOKED)

    with time_machine.travel(DURING), django_assert_max_num_queries(8):
        html = en.get(reverse("public:certified")).content.decode()
    rows = re.findall(r'<tr data-testid="certified-row">(.*?)</tr>', html, re.S)
    assert len(rows) == 1
    assert certificate.enterprise.name in rows[0] and "北京朝阳吊销机械厂" not in html
    assert "2029-03-11" in rows[0]
    # Public fields only.
    assert certificate.enterprise.uscc not in html and "13800" not in html

    with time_machine.travel("2029-03-12 10:00 +0800"):
        expired = en.get(reverse("public:certified")).content.decode()
    assert 'data-testid="certified-row"' not in expired


def test_the_registry_searches_and_filters_by_district(cast, certificate, en):
    with time_machine.travel(DURING):
        by_name = en.get(reverse("public:certified"), {"q": certificate.enterprise.name[2:6]})
        other_district = en.get(reverse("public:certified"), {"region": cast.haidian.code})
        bad_district = en.get(reverse("public:certified"), {"region": "x' or 1=1"})
    assert certificate.number in by_name.content.decode()
    assert certificate.number not in other_district.content.decode()
    assert bad_district.status_code == 200 and certificate.number in bad_district.content.decode()


# --- publicity -------------------------------------------------------------------------


def test_a_past_publicity_reads_ended(cast, version, en):
    with time_machine.travel(MONDAY):
        batch, _ = published(cast, version)
    zh = Client()
    with time_machine.travel(AFTER):
        detail = en.get(reverse("public:publicity_detail", args=[batch.pk])).content.decode()
        listing = en.get(reverse("public:publicity")).content.decode()
        chinese = zh.get(reverse("public:publicity_detail", args=[batch.pk])).content.decode()
    state = re.search(r'data-testid="publicity-state">([^<]+)<', detail).group(1)
    assert state == "Ended"
    assert re.search(r'data-testid="publicity-state">Ended<', listing)
    assert "已注销" not in chinese


def objection_data(application, **changes):
    data = {
        "item": item_of(application).pk,
        "name": "李四",
        "contact": "13800000000",
        "text": "现场安全设施不全，消防通道堵塞。",
    }
    return {**data, **changes}


def test_an_objection_gets_a_reference_shown_to_the_objector(cast, version, en):
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        url = reverse("public:publicity_detail", args=[batch.pk])
        first = en.post(url, objection_data(application), follow=True)
        second = en.post(url, objection_data(application, contact="li.si@example.cn"), follow=True)

    one, two = Objection.objects.order_by("pk")
    assert objection_reference(one) != objection_reference(two)
    assert re.fullmatch(r"YY2026-\d{6}", objection_reference(one))
    assert objection_reference(one) in first.content.decode()
    assert objection_reference(two) in second.content.decode()
    assert two.contact == "li.si@example.cn"


@pytest.mark.parametrize("contact", ["张三", "1380000000", "li.si@", "微信lisi"])
def test_a_bad_contact_is_refused_clearly_and_nothing_typed_is_lost(cast, version, en, contact):
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        response = en.post(
            reverse("public:publicity_detail", args=[batch.pk]),
            objection_data(application, contact=contact),
        )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a mainland phone number" in html and "or an e-mail address" in html
    assert "李四" in html and "现场安全设施不全，消防通道堵塞。" in html
    assert f'value="{contact}"' in html
    assert f'value="{item_of(application).pk}" selected' in html
    assert not Objection.objects.exists()


def test_the_reference_carries_the_local_year(cast, version, en):
    """Lodged on 2 March 2026 in Beijing: the reference carries 2026."""
    with time_machine.travel(MONDAY):
        batch, (application,) = published(cast, version)
        en.post(reverse("public:publicity_detail", args=[batch.pk]), objection_data(application))
    objection = Objection.objects.get()
    assert objection.created_at.date() == datetime.date(2026, 3, 2)
    assert objection_reference(objection).startswith("YY2026-")
