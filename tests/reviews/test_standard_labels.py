"""The shipped standards are authored examples, and their titles say so wherever a
standard is named: after a fresh load, after the data migration of an older load, on
the city office's standards page and in the API."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Standard

labels = importlib.import_module("reviews.migrations.0007_standard_labels_disqualification")


@pytest.fixture
def shipped(db):
    call_command("load_standards", verbosity=0)
    return list(Standard.objects.all())


def test_every_shipped_standard_is_titled_an_example(shipped):
    assert len(shipped) == 6
    for standard in shipped:
        assert "示例" in standard.name, standard.code
        assert standard.name_en.endswith("example)"), standard.code


def test_loading_again_changes_nothing(shipped, capsys):
    call_command("load_standards")
    out = capsys.readouterr().out
    assert "unchanged" in out.lower()
    assert {s.name for s in Standard.objects.all()} == {s.name for s in shipped}


def test_the_migration_relabels_an_older_load_and_back(shipped):
    commerce = Standard.objects.get(code="commerce-level3")
    (old, old_en), (new, new_en) = labels.LABELS["commerce-level3"]
    Standard.objects.filter(pk=commerce.pk).update(name=old, name_en=old_en)

    labels.label_examples(apps, None)
    commerce.refresh_from_db()
    assert (commerce.name, commerce.name_en) == (new, new_en)

    labels.unlabel_examples(apps, None)
    commerce.refresh_from_db()
    assert (commerce.name, commerce.name_en) == (old, old_en)


def test_the_migration_keeps_an_official_title_loaded_under_the_same_code(shipped):
    Standard.objects.filter(code="small-micro").update(
        name="冶金等工贸行业小微企业安全生产标准化评定标准（正式文本）", name_en=""
    )
    labels.label_examples(apps, None)
    assert Standard.objects.get(code="small-micro").name.endswith("（正式文本）")


def test_the_standards_page_shows_the_example_label(shipped, cast, client_for):
    client = client_for(cast.city)
    page = client.get(reverse("standards:list")).content.decode()
    assert page.count("（示例）") + page.count("，示例）") >= 6
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("standards:list")).content.decode()
    assert page.count("example)") >= 6


def test_the_api_names_the_standards_as_examples(shipped, cast):
    api = APIClient()
    api.force_authenticate(cast.city)
    rows = api.get("/api/v1/standards/").json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert len(rows) == 6
    assert all("示例" in row["name"] and "example" in row["name_en"] for row in rows)
