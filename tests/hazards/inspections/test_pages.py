"""The inspection pages: an enterprise plans, starts, answers, confirms and
completes; whoever oversees it reads; outsiders get 404; officials in scope get
403 on every write and change nothing; query counts stay constant."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hazards.inspections import services
from hazards.models import Hazard, InspectionPlan, InspectionRecord
from portal.models import AuditEvent
from tests.hazards.factories import PDF, PNG, catalogue_item
from tests.hazards.inspections.world import hazard_answer, make_plan, results, standard, start

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name, *args):
    return reverse(f"hazards:inspections:{name}", args=args)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_enterprise_creates_a_plan_choosing_criteria_by_code(cast, client_for):
    client = english(client_for(cast.enterprise))
    version = standard()
    data = {
        "title": "季度综合检查",
        "kind": "comprehensive",
        "scope": "全厂",
        "frequency": "quarterly",
        "responsible_person": "张伟",
        "checklist": "standard",
        "standard_version": version.pk,
        "codes": "1.2, 9.9",
    }
    response = client.post(url("plan_new"), data)
    assert response.status_code == 400
    assert "Not in the chosen version: 9.9." in response.content.decode()
    assert not InspectionPlan.objects.exists()
    data["codes"] = "1.2"
    response = client.post(url("plan_new"), data)
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response.url == url("plan", plan.pk)
    assert [c.code for c in plan.criteria.all()] == ["1.2"]
    page = client.get(url("plan", plan.pk)).content.decode()
    assert "季度综合检查" in page and 'data-testid="start-inspection"' in page
    response = client.post(url("plan_edit", plan.pk), {**data, "codes": "", "title": "改"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "改" and not plan.criteria.exists()
    client.post(url("plan_deactivate", plan.pk))
    plan.refresh_from_db()
    assert not plan.active


def test_a_group_first_chooses_its_member(cast, client_for):
    client = client_for(cast.group)
    response = client.get(url("plan_new"))
    assert cast.ent.name in response.content.decode()
    response = client.get(url("plan_new") + f"?enterprise={cast.ent.pk}")
    assert 'data-testid="plan-form"' in response.content.decode()


def test_an_inspection_from_start_to_completion_on_the_pages(cast, client_for):
    plan = make_plan(cast)
    client = english(client_for(cast.enterprise))
    response = client.post(
        url("record_new", plan.pk),
        {
            "inspected_on": (TODAY() + datetime.timedelta(days=1)).isoformat(),
            "leader": cast.enterprise_staff.pk,
            "participants": [cast.enterprise.pk],
        },
    )
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    response = client.post(
        url("record_new", plan.pk),
        {
            "inspected_on": TODAY().isoformat(),
            "leader": cast.enterprise_staff.pk,
            "participants": [cast.enterprise.pk],
        },
    )
    record = InspectionRecord.objects.get()
    assert response.url == url("record", record.pk)
    first, second = results(record)
    # A 隐患 without its fields: the message on the item, nothing kept.
    response = client.post(url("result", record.pk, first.pk), {"outcome": "hazard", "note": "x"})
    assert response.status_code == 400
    assert "Give the hazard&#x27;s location or equipment." in response.content.decode()
    first.refresh_from_db()
    assert first.outcome == ""
    # A photo that is not one: the answer is not kept either.
    answer = {**hazard_answer(), "deadline": hazard_answer()["deadline"].isoformat()}
    response = client.post(
        url("result", record.pk, first.pk),
        {**answer, "photo": SimpleUploadedFile("x.png", PDF)},
    )
    assert response.status_code == 400 and "not a JPG or PNG" in response.content.decode()
    first.refresh_from_db()
    assert first.outcome == ""
    response = client.post(
        url("result", record.pk, first.pk),
        {**answer, "photo": SimpleUploadedFile("现场.png", PNG), "unanswered": "1"},
    )
    assert response.url == url("record", record.pk) + f"?unanswered=1#item-{first.pk}"
    page = client.get(url("record", record.pk) + "?unanswered=1").content.decode()
    assert page.count('data-testid="item"') == 1  # only 1.2 left
    response = client.post(url("complete", record.pk))
    assert response.status_code == 400
    assert "1 item is not answered yet: 1.2." in response.content.decode()
    client.post(url("result", record.pk, second.pk), {"outcome": "conforms"})
    response = client.post(url("complete", record.pk))
    assert "Not yet confirmed by: t-enterprise-staff, t-enterprise." in response.content.decode()
    client.post(url("confirm", record.pk))  # the admin, for itself
    english(client_for(cast.enterprise_staff)).post(url("confirm", record.pk))
    client = english(client_for(cast.enterprise))
    response = client.post(url("complete", record.pk))
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    page = client.get(url("record", record.pk)).content.decode()
    assert hazard.number in page and 'data-testid="item-form"' not in page
    assert 'data-testid="complete"' not in page
    # The hazard's page says where it was found.
    detail = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert url("record", record.pk) in detail


def test_officials_in_scope_read_and_cannot_write(cast, client_for):
    record = start(cast)
    plan = record.plan
    result = results(record)[0]
    for official in (cast.district, cast.street, cast.regulator, cast.city):
        client = client_for(official)
        assert client.get(url("list")).status_code == 200
        assert client.get(url("plans")).status_code == 200
        page = client.get(url("record", record.pk)).content.decode()
        assert 'data-testid="item-form"' not in page and 'data-testid="complete"' not in page
        assert (
            'data-testid="start-inspection"'
            not in client.get(url("plan", plan.pk)).content.decode()
        )
        before = AuditEvent.objects.count()
        for target, data in (
            (url("plan_edit", plan.pk), {"title": "x"}),
            (url("plan_deactivate", plan.pk), {}),
            (url("record_new", plan.pk), {}),
            (url("result", record.pk, result.pk), {"outcome": "conforms"}),
            (url("confirm", record.pk), {}),
            (url("complete", record.pk), {}),
        ):
            assert client.post(target, data).status_code == 403, (official, target)
        assert client.get(url("plan_new")).status_code == 403
        assert AuditEvent.objects.count() == before


def test_outsiders_get_404(cast, client_for):
    record = start(cast)
    result = results(record)[0]
    for outsider in (cast.other_enterprise, cast.other_district, cast.other_street):
        client = client_for(outsider)
        for target in (
            url("plan", record.plan_id),
            url("plan_edit", record.plan_id),
            url("record_new", record.plan_id),
            url("record", record.pk),
        ):
            assert client.get(target).status_code == 404, (outsider, target)
        assert client.post(url("result", record.pk, result.pk), {}).status_code == 404
        assert record.pk not in [r.pk for r in client.get(url("list")).context["page"]]
    assert client_for(cast.reviewer).get(url("list")).status_code == 403


def test_the_list_counts_completed_inspections_by_kind_and_principal_led(cast, client_for):
    plan = make_plan(cast)
    for leader in (cast.enterprise, cast.enterprise_staff):
        record = start(cast, plan, leader=leader)
        for r in results(record):
            services.result_save(actor=cast.enterprise, result=r, outcome="conforms")
        services.participation_confirm(actor=leader, record=record)
        services.record_complete(actor=cast.enterprise, record=record)
    start(cast, plan)  # a draft does not count
    old = start(cast, plan, inspected_on=TODAY().replace(year=TODAY().year - 1))
    assert old
    client = client_for(cast.district)
    response = client.get(url("list"))
    figures = response.context["figures"]
    assert figures["total"] == 2 and figures["principal_led"] == 1
    assert dict((k, n) for k, _l, n in figures["by_kind"])["comprehensive"] == 2
    page = response.content.decode()
    assert 'data-testid="count-principal-led">1<' in page
    assert response.context["page"].paginator.count == 3  # this year's, drafts included
    response = client.get(url("list") + "?principal_led=1")
    assert response.context["page"].paginator.count == 1


def test_list_and_checklist_queries_stay_constant(cast, client_for, django_assert_max_num_queries):
    plan = make_plan(cast)
    for _ in range(3):
        record = start(cast, plan, participants=[cast.enterprise])
    for r in results(record):
        services.result_save(actor=cast.enterprise, result=r, **hazard_answer())
        services.photo_add(actor=cast.enterprise, result=r, upload=SimpleUploadedFile("a.png", PNG))
    client = client_for(cast.enterprise)
    client.get(url("list"))  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get(url("list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("plans")).status_code == 200
    with django_assert_max_num_queries(14) as few:
        assert client.get(url("record", record.pk)).status_code == 200
    # Six items with a photo each, in three sections: no more queries.
    item = catalogue_item(industries=[cast.ent.industry])
    for n in range(2, 7):
        item.version.items.create(code=f"4.{n}", group=f"组{n % 3}", text="情形", order=n)
    longer = start(cast, make_plan(cast, checklist="catalogue", catalogue_version=item.version))
    for r in results(longer):
        services.result_save(actor=cast.enterprise, result=r, **hazard_answer())
        services.photo_add(actor=cast.enterprise, result=r, upload=SimpleUploadedFile("a.png", PNG))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("record", longer.pk)).content.decode()
    assert page.count('data-testid="item-photo"') == 6
