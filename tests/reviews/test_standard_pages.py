"""The city office's standards pages: who may see them, the upload with its
dry run and confirmation, the version page, publish and retire."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import AuditEvent
from reviews.models import Assessment, Criterion, Standard, StandardVersion
from reviews.standards.files import build_workbook, uploads, version_data
from tests.cast import make_enterprise
from tests.reviews.standard_files import fixture_text, line_of, load, parse

FORBIDDEN = [
    "district",
    "district_staff",
    "regulator",
    "association",
    "reviewer",
    "group",
    "enterprise",
    "enterprise_staff",
    "other_enterprise",
]


@pytest.fixture
def version(db):
    return load().version


@pytest.fixture
def city(cast, client_for):
    client = client_for(cast.city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page_urls(version) -> list[str]:
    return [
        reverse("standards:list"),
        reverse("standards:upload"),
        reverse("standards:template"),
        reverse("standards:version", args=[version.pk]),
        reverse("standards:export_xlsx", args=[version.pk]),
        reverse("standards:export_yaml", args=[version.pk]),
    ]


def test_the_city_office_sees_every_page(cast, city, version):
    for url in page_urls(version):
        assert city.get(url).status_code == 200, url
    assert f'href="{reverse("standards:list")}"' in city.get(reverse("home")).content.decode()


def test_the_navigation_offers_the_standards_only_to_the_city_office(cast, client_for):
    page = client_for(cast.district).get(reverse("home")).content.decode()
    assert f'href="{reverse("standards:list")}"' not in page


@pytest.mark.parametrize("role", FORBIDDEN)
def test_other_roles_are_refused(cast, client_for, version, role):
    client = client_for(getattr(cast, role))
    for url in page_urls(version):
        assert client.get(url).status_code == 403, url
    for name in ("standards:publish", "standards:retire"):
        assert client.post(reverse(name, args=[version.pk])).status_code == 403
    upload = SimpleUploadedFile("s.yaml", fixture_text().encode())
    assert client.post(reverse("standards:upload"), {"file": upload}).status_code == 403
    version.refresh_from_db()
    assert version.status == StandardVersion.Status.DRAFT


def test_anonymous_visitors_are_sent_to_log_in(client, version):
    for url in page_urls(version):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    response = client.post(reverse("standards:publish", args=[version.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_missing_version_is_404_for_the_city_office(cast, city):
    assert city.get(reverse("standards:version", args=[999999])).status_code == 404


# --- upload ---------------------------------------------------------------------------


def _upload(client, name: str, content: bytes):
    return client.post(reverse("standards:upload"), {"file": SimpleUploadedFile(name, content)})


def test_upload_dry_run_shows_the_summary_and_writes_nothing(cast, city):
    response = _upload(city, "tiered.yaml", fixture_text().encode())
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 A elements, 2 B elements, 4 criteria" in page
    assert "1 veto criterion" in page and "1 extra deduction" in page
    assert 'data-testid="full-marks">30<' in page
    assert "level 1 ≥ 90; level 2 ≥ 75; level 3 ≥ 60" in page
    assert "A new standard with its first version" in page
    assert not Standard.objects.exists()
    sha = response.context["parsed"].sha256
    assert uploads.fetch(sha, "yaml") == fixture_text().encode()


def test_upload_then_confirm_imports_a_draft(cast, city):
    dry = _upload(city, "tiered.yaml", fixture_text().encode())
    parsed = dry.context["parsed"]
    response = city.post(
        reverse("standards:upload_confirm"),
        {"sha256": parsed.sha256, "format": "yaml", "filename": "tiered.yaml"},
    )
    version = StandardVersion.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("standards:version", args=[version.pk])
    assert version.status == StandardVersion.Status.DRAFT
    assert version.source_sha256 == parsed.sha256
    assert Criterion.objects.filter(version=version).count() == 4
    event = AuditEvent.objects.get(action="standard.import")
    assert event.actor == cast.city and event.after["file"] == "tiered.yaml"
    assert uploads.fetch(parsed.sha256, "yaml") is None  # the stash is gone
    follow = city.get(response.url)
    assert "Imported" in follow.content.decode()


def test_upload_of_a_bad_file_lists_every_problem_with_its_line(cast, city):
    text = (
        fixture_text()
        .replace("points: 6\n", "points: six\n")
        .replace("industries: [machinery]", "industries: [rockets]")
    )
    response = _upload(city, "bad.yaml", text.encode())
    page = response.content.decode()
    assert "bad.yaml has 2 problems; nothing was imported." in page
    assert f"bad.yaml, line {line_of(text, 'points: six')}" in page
    assert "Must be a number, not text." in page
    assert "Unknown industry “rockets”" in page
    assert 'data-testid="confirm-form"' not in page
    assert not Standard.objects.exists()


def test_upload_of_the_excel_template_filled_in(cast, city):
    data = parse(fixture_text("small-micro.yaml")).data
    response = _upload(city, "small.xlsx", build_workbook(data))
    page = response.content.decode()
    assert "1 A elements, 0 B elements, 2 criteria" in page and "pass ≥ 60" in page
    parsed = response.context["parsed"]
    city.post(
        reverse("standards:upload_confirm"),
        {"sha256": parsed.sha256, "format": "xlsx", "filename": "small.xlsx"},
    )
    version = StandardVersion.objects.get(standard__code="test-small-micro")
    # The export of the stored version is the same content: nothing to change.
    response = _upload(city, "again.xlsx", build_workbook(version_data(version)))
    assert "Same content as the stored version; nothing changes" in response.content.decode()


def test_upload_refuses_a_change_to_a_published_version(cast, city):
    load(publish=True)
    text = fixture_text().replace("查考核记录。", "查考核记录和奖惩记录。")
    response = _upload(city, "tiered.yaml", text.encode())
    page = response.content.decode()
    assert "is published and cannot change; give the file a new version" in page
    assert 'data-testid="confirm-form"' not in page
    # Forcing the confirmation does not get around it.
    sha = uploads.stash(text.encode(), "yaml")
    city.post(
        reverse("standards:upload_confirm"),
        {"sha256": sha, "format": "yaml", "filename": "tiered.yaml"},
    )
    assert Criterion.objects.get(code="1.2.1").method == "查考核记录。"


def test_confirm_with_an_unknown_or_forged_name_writes_nothing(cast, city):
    for sha, fmt in (("0" * 64, "yaml"), ("../../etc/passwd", "yaml"), ("a" * 64, "exe")):
        response = city.post(
            reverse("standards:upload_confirm"),
            {"sha256": sha, "format": fmt, "filename": "x.yaml"},
        )
        assert response.status_code == 302 and response.url == reverse("standards:upload")
    assert not Standard.objects.exists()


def test_upload_rejects_other_file_types(cast, city):
    response = _upload(city, "standard.pdf", b"%PDF-1.4")
    assert "Upload a standard file" in response.content.decode()


# --- version page, publish, retire -----------------------------------------------------


def test_version_page_shows_the_tree(cast, city, version):
    page = city.get(reverse("standards:version", args=[version.pk])).content.decode()
    for code in ("1.1.1", "1.1.2", "1.2.1", "2.1"):
        assert f'data-code="{code}"' in page
    assert "监测与考核" in page and "重大危险源监控" in page
    assert page.count('data-testid="veto"') == 1
    assert "Extra deduction within the A element: 5 points" in page
    assert "Publish this version" in page


def test_version_page_lists_the_enterprises_using_it_paginated(cast, city, version):
    Assessment.objects.create(enterprise=cast.ent, version=version, created_by=cast.enterprise)
    Assessment.objects.create(enterprise=cast.ent, version=version, created_by=cast.enterprise)
    for serial in range(30):
        enterprise = make_enterprise(f"测试企业{serial:02d}", cast.chaoyang, 100 + serial)
        Assessment.objects.create(
            enterprise=enterprise, version=version, created_by=cast.enterprise
        )
    first = city.get(reverse("standards:version", args=[version.pk]))
    assert first.context["page"].paginator.count == 31
    assert len(first.context["page"].object_list) == 25
    counts = {e.name: e.assessment_count for e in first.context["page"].object_list}
    assert counts[cast.ent.name] == 2
    second = city.get(reverse("standards:version", args=[version.pk]) + "?page=2")
    assert len(second.context["page"].object_list) == 6
    assert cast.other_ent.name not in first.content.decode() + second.content.decode()


def test_publish_then_retire_with_audit_rows(cast, city, version):
    url = reverse("standards:publish", args=[version.pk])
    assert city.post(url).status_code == 302
    version.refresh_from_db()
    assert version.status == StandardVersion.Status.PUBLISHED and version.published_at
    assert (
        AuditEvent.objects.filter(
            action="standard.publish", actor=cast.city, object_id=str(version.pk)
        ).count()
        == 1
    )
    page = city.get(reverse("standards:version", args=[version.pk])).content.decode()
    assert "Retire this version" in page and "Publish this version" not in page

    # Publishing twice is refused and changes nothing.
    published_at = version.published_at
    response = city.post(url, follow=True)
    assert "Only a draft can be published; this version is published." in response.content.decode()
    version.refresh_from_db()
    assert version.published_at == published_at
    assert AuditEvent.objects.filter(action="standard.publish").count() == 1

    assert city.post(reverse("standards:retire", args=[version.pk])).status_code == 302
    version.refresh_from_db()
    assert version.status == StandardVersion.Status.RETIRED and version.retired_at
    assert AuditEvent.objects.filter(action="standard.retire", actor=cast.city).count() == 1
    response = city.post(reverse("standards:retire", args=[version.pk]), follow=True)
    assert (
        "Only a published version can be retired; this version is retired."
        in response.content.decode()
    )
    response = city.post(url, follow=True)
    version.refresh_from_db()
    assert version.status == StandardVersion.Status.RETIRED


def test_a_draft_cannot_be_retired(cast, city, version):
    response = city.post(reverse("standards:retire", args=[version.pk]), follow=True)
    assert (
        "Only a published version can be retired; this version is draft."
        in response.content.decode()
    )
    version.refresh_from_db()
    assert version.status == StandardVersion.Status.DRAFT
    assert not AuditEvent.objects.filter(action="standard.retire").exists()


def test_publish_and_retire_need_post(cast, city, version):
    assert city.get(reverse("standards:publish", args=[version.pk])).status_code == 405
    assert city.get(reverse("standards:retire", args=[version.pk])).status_code == 405


def test_downloads(cast, city, version):
    response = city.get(reverse("standards:export_xlsx", args=[version.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "test-tiered-2026.xlsx" in response["Content-Disposition"]
    response = city.get(reverse("standards:export_yaml", args=[version.pk]))
    assert b"code: test-tiered" in response.content
    assert "1.2.1" in response.content.decode()


# --- list page ------------------------------------------------------------------------


def _add_standard(cast, code: str, assessments: int) -> StandardVersion:
    text = fixture_text().replace("code: test-tiered", f"code: {code}")
    version = load(text, publish=True).version
    for _ in range(assessments):
        Assessment.objects.create(enterprise=cast.ent, version=version, created_by=cast.enterprise)
    return version


def test_list_shows_counts_per_version(cast, city):
    used = _add_standard(cast, "test-used", 3)
    Assessment.objects.create(
        enterprise=cast.other_ent, version=used, created_by=cast.other_enterprise
    )
    _add_standard(cast, "test-unused", 0)
    response = city.get(reverse("standards:list"))
    versions = {s.code: s.versions.all()[0] for s in response.context["standards"]}
    assert (
        versions["test-used"].criteria_count,
        versions["test-used"].assessment_count,
        versions["test-used"].enterprise_count,
    ) == (4, 4, 2)
    assert (versions["test-unused"].assessment_count, versions["test-unused"].enterprise_count) == (
        0,
        0,
    )


def test_list_page_queries_do_not_grow_with_standards(cast, city, django_assert_max_num_queries):
    _add_standard(cast, "test-one", 2)
    city.get(reverse("standards:list"))  # warm the session and user caches
    with django_assert_max_num_queries(8) as few:
        city.get(reverse("standards:list"))
    for index in range(5):
        _add_standard(cast, f"test-more-{index}", index)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = city.get(reverse("standards:list"))
    assert response.content.decode().count('data-testid="version-row"') == 6


# --- admin ----------------------------------------------------------------------------


def test_admin_shows_standards_and_keeps_published_versions_read_only(cast, city, version):
    assert city.get(reverse("admin:reviews_standard_changelist")).status_code == 200
    assert city.get(reverse("admin:reviews_standardversion_changelist")).status_code == 200
    draft_url = reverse("admin:reviews_standardversion_change", args=[version.pk])
    assert 'name="version"' in city.get(draft_url).content.decode()
    load(publish=True)  # the same file: publishes the draft
    page = city.get(draft_url).content.decode()
    assert 'name="version"' not in page  # rendered read-only
    response = city.post(draft_url, {"version": "changed", "effective_date": "2020-01-01"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.version == "2026"
    assert client_for_role_gets(cast, "district", reverse("admin:reviews_standard_changelist"))


def client_for_role_gets(cast, role, url) -> bool:
    from django.test import Client

    client = Client()
    client.force_login(getattr(cast, role))
    response = client.get(url)
    return response.status_code == 302 and "login" in response.url
