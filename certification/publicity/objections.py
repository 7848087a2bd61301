"""Objections (异议) to an enterprise in publicity: anyone lodges one while
the window is open (no login, throttled per network address); the grading
authority that published the enterprise resolves it, and an upheld objection takes the
application out of publicity (the "withdraw_from_publicity" move)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certification.models import Objection, PublicityItem, Status
from certification.publicity.rules import _conflict, _forbidden
from portal import audit
from portal.errors import ServiceError
from portal.notify import label, message, notify_after_commit

OBJECTION_FIELDS = {"name": 50, "contact": 100}


def _throttle_key(ip: str | None) -> str:
    return f"objections:{ip or '-'}"


def _objections_in_the_last_hour(ip: str | None) -> int:
    """How many objections ``ip`` lodged in the last hour, counted from the
    objections themselves while holding the address's lock until commit: a
    concurrent request from the same address waits here and then counts the
    row this one wrote, so the limit holds under concurrent posts (and
    across processes, which a per-process cache would not)."""
    key = _throttle_key(ip)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    # SQLite runs each write transaction alone (transaction_mode IMMEDIATE).
    since = timezone.now() - datetime.timedelta(hours=1)
    sent = Objection.objects.filter(created_at__gte=since)
    return (sent.filter(ip=ip) if ip else sent.filter(ip__isnull=True)).count()


@transaction.atomic
def objection_lodge(
    *, item: PublicityItem, name: str, contact: str, text: str, ip: str | None
) -> Objection:
    """Anyone, without logging in, while the window is open. The row itself
    is the record (the audit entry has no actor)."""
    item = PublicityItem.objects.select_related("batch", "application__enterprise").get(pk=item.pk)
    batch = item.batch
    if item.removed_at is not None or item.application.status != Status.PUBLICITY:
        raise ServiceError(
            _("This enterprise is no longer in publicity; objections are not accepted."),
            field="item",
        )
    today = timezone.localdate()
    if today < batch.starts_on:
        raise ServiceError(
            _("The publicity has not started yet; objections are accepted from %(date)s.")
            % {"date": batch.starts_on.isoformat()},
            field="item",
        )
    if today > batch.ends_on:
        raise ServiceError(
            _("The publicity ended on %(date)s; objections are no longer accepted.")
            % {"date": batch.ends_on.isoformat()},
            field="item",
        )
    values = {
        "name": (name or "").strip(),
        "contact": (contact or "").strip(),
        "text": (text or "").strip(),
    }
    limits = {**OBJECTION_FIELDS, "text": settings.OBJECTION_MAX_CHARS}
    labels = {"name": _("your name"), "contact": _("phone or e-mail"), "text": _("objection")}
    for field, value in values.items():
        if not value:
            raise ServiceError(_("Enter %(field)s.") % {"field": labels[field]}, field=field)
        if len(value) > limits[field]:
            raise ServiceError(
                _("%(field)s is too long: at most %(limit)d characters.")
                % {"field": labels[field], "limit": limits[field]},
                field=field,
            )
    if _objections_in_the_last_hour(ip) >= settings.OBJECTION_LIMIT_PER_HOUR:
        raise ServiceError(
            _(
                "Too many objections were sent from your network address. Please "
                "try again in an hour, or contact %(organiser)s directly."
            )
            % {"organiser": batch.organiser.name}
        )
    objection = Objection.objects.create(item=item, ip=ip or None, **values)
    audit.record(
        actor=None,
        action="publicity.objection.lodge",
        obj=objection,
        after={"item": item.pk, "application": item.application_id, "batch": batch.pk},
    )
    news = message(
        gettext_noop(
            "Objection to %(enterprise)s in the publicity “%(title)s”: please resolve it."
        ),
        enterprise=item.application.enterprise.name,
        title=batch.title,
    )
    notify_after_commit([batch.organiser_id], news, reverse("certification:publicity"))
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: Objection, outcome: str, resolution: str) -> Objection:
    """The grading authority's decision, once. Upheld: the application leaves
    publicity (back to reported), with the resolution as its reason."""
    from certification import engine

    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("item__batch", "item__application__enterprise", "resolved_by")
        .get(pk=objection.pk)
    )
    item = objection.item
    if not getattr(actor, "can_act", False) or actor.organisation_id != item.batch.organiser_id:
        raise _forbidden(
            _("Only the organisation that published the enterprise resolves its objections.")
        )
    if objection.outcome:
        who = objection.resolved_by
        raise _conflict(
            _("This objection was already resolved (“%(outcome)s”) by %(who)s at %(when)s.")
            % {
                "outcome": objection.get_outcome_display(),
                "who": (who.get_full_name() or who.username) if who else "—",
                "when": timezone.localtime(objection.resolved_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if outcome not in Objection.Outcome.values:
        raise ServiceError(
            _("Choose whether the objection is upheld or dismissed."), field="outcome"
        )
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError(_("Write the resolution: what was checked and why."), field="resolution")
    if len(resolution) > settings.OBJECTION_MAX_CHARS:
        raise ServiceError(
            _("The resolution is too long: at most %(limit)d characters.")
            % {"limit": settings.OBJECTION_MAX_CHARS},
            field="resolution",
        )
    objection.outcome = outcome
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["outcome", "resolution", "resolved_by", "resolved_at"])
    audit.record(
        actor=actor,
        action="publicity.objection.resolve",
        obj=objection,
        before={"outcome": ""},
        after={
            "outcome": outcome,
            "resolution": resolution,
            "item": item.pk,
            "application": item.application_id,
        },
    )
    application = item.application
    if (
        outcome == Objection.Outcome.UPHELD
        and item.removed_at is None
        and application.status == Status.PUBLICITY
    ):
        engine.perform(
            actor=actor,
            application=application,
            transition="withdraw_from_publicity",
            comment=resolution,
        )
    else:
        text = message(
            gettext_noop(
                "An objection to %(enterprise)s in the publicity was resolved: %(outcome)s."
            ),
            enterprise=application.enterprise.name,
            outcome=label(Objection.Outcome, objection.outcome),
        )
        notify_after_commit(
            [application.applicant_id, application.enterprise.account_id],
            text,
            reverse("certification:detail", args=[application.pk]),
        )
    return objection
