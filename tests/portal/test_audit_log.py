import pytest
from django.urls import reverse

from portal.models import AuditEvent
from portal.models.audit import AppendOnlyError


@pytest.fixture
def event(cast):
    from portal import audit

    return audit.record(
        actor=cast.city,
        action="organisation.update",
        obj=cast.district.organisation,
        before={"name": "a"},
        after={"name": "b"},
    )


def test_audit_events_cannot_be_changed_or_deleted(event):
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "organisation.update"


def test_the_city_office_filters_the_log(cast, client_for, event):
    from portal import audit

    audit.record(actor=cast.district, action="enterprise.update", obj=cast.ent)
    client = client_for(cast.city)
    page = client.get(reverse("audit_log"), {"action": "enterprise."})
    events = list(page.context["page"])
    assert [e.action for e in events] == ["enterprise.update"]
    page = client.get(reverse("audit_log"), {"actor": "t-city"})
    assert [e.action for e in page.context["page"]] == ["organisation.update"]
    page = client.get(reverse("audit_log"), {"organisation": "朝阳区"})
    assert [e.action for e in page.context["page"]] == ["enterprise.update"]


def test_the_log_records_the_client_address(cast, client_for):
    client = client_for(cast.city)
    client.post(
        reverse("organisation_edit", args=[cast.group.organisation_id]),
        {
            "name": "北京京城机电控股有限责任公司（更名）",
            "kind": "group",
            "status": "active",
            "status_reason": "",
            "region": "",
            "contact_name": "",
            "contact_phone": "",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.ip == "10.1.2.3"
    assert event.before == {"name": "北京京城机电控股有限责任公司"}
    assert event.after == {"name": "北京京城机电控股有限责任公司（更名）"}


def test_the_admin_offers_no_way_to_edit_or_delete_audit_events(cast, client_for, event):
    client = client_for(cast.city)
    url = reverse("admin:portal_auditevent_change", args=[event.pk])
    assert client.get(url).status_code == 200  # view only
    response = client.post(url, {"action": "tampered"})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:portal_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "organisation.update"


def test_on_postgresql_the_database_refuses_to_rewrite_the_trail(event):
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE portal_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "organisation.update"
