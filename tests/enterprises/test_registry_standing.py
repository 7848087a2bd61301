"""The registry's grade and certificate-validity columns, its grade filter, the
streets offered and the export's read-only grade columns (enterprises/pages.py,
certification/certificates/standing.py)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from certification.models import Certificate
from tests.cast import make_enterprise
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue


@pytest.fixture
def certified(cast):
    return issue(cast, make_tiered_version())


@pytest.fixture
def en(client_for):
    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def _rows(text: str) -> list[str]:
    return [row for row in text.split("<tr>")[2:]]


def test_the_registry_shows_grade_and_validity_and_filters_by_grade(
    cast, certified, en, django_assert_max_num_queries
):
    plain = make_enterprise("北京朝阳无证五金厂", cast.chaoyang, 7)
    client = en(cast.district)
    url = reverse("enterprises:list")
    with django_assert_max_num_queries(12):
        text = client.get(url).content.decode()
    row = next(r for r in _rows(text) if certified.enterprise.name in r)
    assert "Level 3" in row and certified.valid_until.strftime("%Y-%m-%d") in row
    row = next(r for r in _rows(text) if plain.name in r)
    assert "None" in row
    # Filtering by grade: only the certified one; "none": only the other.
    text = client.get(url, {"grade": "3"}).content.decode()
    assert certified.enterprise.name in text and plain.name not in text
    text = client.get(url, {"grade": "none"}).content.decode()
    assert certified.enterprise.name not in text and plain.name in text
    # A revoked certificate is no grade.
    Certificate.objects.filter(pk=certified.pk).update(status=Certificate.Status.REVOKED)
    text = client.get(url, {"grade": "3"}).content.decode()
    assert certified.enterprise.name not in text
    # An unknown grade says so and filters nothing.
    response = client.get(url, {"grade": "7"})
    assert response.status_code == 200 and "Unknown grade" in response.content.decode()
    assert plain.name in response.content.decode()


def test_a_district_is_offered_its_own_streets(cast, en):
    text = en(cast.district).get(reverse("enterprises:list")).content.decode()
    assert f'value="{cast.chaoyang_street.code}"' in text
    other = cast.other_district.organisation.region.streets.first()
    if other is not None:
        assert f'value="{other.code}"' not in text


def test_the_api_gives_the_standing_and_refuses_an_unknown_grade(cast, certified, client_for):
    client = client_for(cast.district)
    url = reverse("api-enterprise-list")
    data = client.get(url, {"grade": "3"}).json()
    assert [item["id"] for item in data["results"]] == [certified.enterprise_id]
    standing = data["results"][0]["standing"]
    assert standing["grade"] and standing["valid_until"] == certified.valid_until.isoformat()
    assert standing["number"] == certified.number and standing["suspended"] is False
    assert client.get(url, {"grade": "7"}).status_code == 400
    detail = client.get(reverse("api-enterprise-detail", args=[certified.enterprise_id])).json()
    assert detail["standing"]["number"] == certified.number
    # Another district's user never sees it, nor its grade.
    other = client_for(cast.other_district).get(url, {"grade": "3"}).json()
    assert other["results"] == []


def test_the_export_carries_the_grade_and_still_imports(cast, certified, en):
    response = en(cast.district).get(reverse("enterprises:export"), {"grade": "3"})
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][-2:] == ["Grade (read only)", "Certificate valid until (read only)"]
    assert len(rows) == 2 and rows[1][0] == certified.enterprise.name
    assert rows[1][-2] == "Level 3" and rows[1][-1].date() == certified.valid_until
