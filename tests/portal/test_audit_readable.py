"""The audit log reads as sentences: actions in the reader's language, objects by
their names with links, changes as "field label: before → after", dates kept in
the filters; the log's rows are never changed by reading them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from portal import audit
from portal.models import AuditEvent


@pytest.fixture
def en(client_for, cast):
    client = client_for(cast.city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def zh(client_for, cast):
    return client_for(cast.city)


def enterprise_changed(cast):
    return audit.record(
        actor=cast.district,
        action="enterprise.update",
        obj=cast.ent,
        before={"name": "旧名称", "scale": "below"},
        after={"name": cast.ent.name, "scale": "above"},
    )


def test_an_entry_reads_as_a_sentence_in_english(cast, en):
    enterprise_changed(cast)
    html = en.get(reverse("audit_log")).content.decode()
    assert (
        "changed the enterprise&#x27;s details" in html
        or "changed the enterprise's details" in html
    )
    assert f'href="{reverse("enterprises:detail", args=[cast.ent.pk])}"' in html
    assert cast.ent.name in html
    # The field's label, not its code, and the value before struck through.
    assert "<del>旧名称</del> → " + cast.ent.name in html
    assert "enterprise.update</code>" not in html


def test_an_entry_reads_as_a_sentence_in_chinese(cast, zh):
    event = enterprise_changed(cast)
    with translation.override("zh-hans"):
        entry = audit.readable(event)
        assert entry.action == "修改了企业信息"
        labels = [change.label for change in entry.changes]
    assert "name" not in labels and "scale" not in labels
    html = zh.get(reverse("audit_log")).content.decode()
    assert "修改了企业信息" in html


def test_application_moves_are_named_by_the_workflows_labels(cast):
    event = audit.record(
        actor=cast.district,
        action="application.accept",
        obj=cast.ent,
        before={"status": "submitted"},
        after={"status": "accepted", "comment": "齐全"},
    )
    with translation.override("en"):
        entry = audit.readable(event)
        assert entry.action == "Accept"
        assert [(c.label, c.before, c.after) for c in entry.changes] == [
            ("status", "submitted", "accepted"),
            ("reasons", None, "齐全"),
        ]
    with translation.override("zh-hans"):
        assert audit.readable(event).action == "受理"


def test_an_unknown_action_shows_its_code_and_an_object_without_a_page_no_link(cast):
    event = audit.record(actor=None, action="x.y", obj=cast.district.organisation)
    entry = audit.readable(event)
    assert entry.action == "x.y" and entry.object_url == ""
    assert entry.object_name == cast.district.organisation.name


def test_the_action_filter_lists_labels_and_the_dates_stay_in_the_form(cast, en):
    enterprise_changed(cast)
    page = en.get(reverse("audit_log"), {"since": "2020-01-02", "until": "2099-12-31"})
    html = page.content.decode()
    assert 'value="2020-01-02"' in html and 'value="2099-12-31"' in html
    assert ("enterprise.update", "changed the enterprise's details") in [
        (code, str(label)) for code, label in page.context["actions"]
    ]
    assert len(page.context["entries"]) == 1


def test_the_log_page_reads_fifty_entries_in_a_few_queries(cast, zh, django_assert_max_num_queries):
    for _ in range(50):
        enterprise_changed(cast)
    with django_assert_max_num_queries(12):
        response = zh.get(reverse("audit_log"))
    assert len(response.context["entries"]) == 50
    assert AuditEvent.objects.count() == 50  # reading wrote nothing


def test_a_user_without_the_log_still_gets_403(cast, client_for):
    enterprise_changed(cast)
    assert client_for(cast.enterprise).get(reverse("audit_log")).status_code == 403
