"""Writing the audit log (services call ``record`` inside their transaction) and
reading it back as sentences (``readable``); the log itself stays append-only."""

from __future__ import annotations

import contextvars
import datetime
import decimal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from portal.audit_actions import MORE_ACTION_LABELS
from portal.models import AuditEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Set per request by portal.middleware.AuditContextMiddleware, so services
# need not carry the request around just to log the client address.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """Field values as JSON-friendly data, for the before/after columns."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    acting = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=acting,
        organisation_id=getattr(acting, "organisation_id", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        ip=current_ip.get(),
    )


# --- reading the log: entries as sentences ---------------------------------------------

# What each action did, as a person says it. Application moves are named by the
# workflow's own labels (certification/workflow.py, looked up by dotted path so
# that the portal app does not import the certification app).
ACTION_LABELS: dict[str, StrOrPromise] = {
    "application.create": _("created the application"),
    "application.declaration.sign": _("signed a no-conflict declaration"),
    "application.review.finding.hazard": _("recorded a hazard found on site"),
    "application.review.finding.delete": _("deleted a finding of the on-site review"),
    "assessment.create": _("started a self-assessment"),
    "assessment.update": _("changed a self-assessment"),
    "assessment.submit": _("submitted a self-assessment"),
    "enterprise.create": _("registered the enterprise"),
    "enterprise.update": _("changed the enterprise's details"),
    "enterprise.import": _("imported enterprises"),
    "enterprise.registration.claim": _("claimed an enterprise account"),
    "enterprise.registration.approve": _("approved the registration"),
    "enterprise.registration.reject": _("turned down the registration"),
    "enterprise.accident.record": _("recorded an accident"),
    "organisation.create": _("created the organisation"),
    "organisation.update": _("changed the organisation"),
    "user.create": _("created the user"),
    "user.invite": _("invited the user"),
    "user.activate": _("activated the user"),
    "user.deactivate": _("deactivated the user"),
    "user.role": _("changed the user's role"),
    "api_token.revoke": _("revoked an API token"),
    "verification.batch.create": _("made a verification batch and drew its spot checks"),
    "verification.batch.reopen": _("reopened the verification batch"),
    "verification.check.record": _("recorded a spot check"),
    "verification.unit.reexamine": _("drew the review unit's reports for a re-examination"),
    "verification.unit.removal_proposed": _("proposed removing the review unit"),
    "publicity.batch.create": _("published a batch for public comment"),
    "publicity.objection.lodge": _("lodged an objection"),
    "publicity.objection.resolve": _("resolved an objection"),
    "publicity.announcement.create": _("announced the batch and issued certificates"),
    "standard.import": _("imported a standard"),
    "standard.publish": _("published a standard"),
    "standard.retire": _("retired a standard"),
    "reviewer.create": _("added a reviewer"),
    "reviewer.update": _("changed a reviewer"),
    "reviewer.activate": _("activated a reviewer"),
    "reviewer.deactivate": _("deactivated a reviewer"),
    "review_unit.status": _("changed the review unit's status"),
    "conflict.create": _("declared a conflict of interest"),
    "conflict.end": _("ended a conflict of interest"),
    "street.create": _("created a street office"),
    "street.update": _("changed a street office"),
    "hazard.record": _("recorded a hazard"),
    "hazard.photo.add": _("added a photo of the hazard"),
    "hazard.extend_deadline": _("extended the hazard's deadline"),
    "hazard.report.submit": _("submitted a major-hazard report"),
    "selfreport.start": _("started a hazard self-report"),
    "selfreport.save": _("saved a hazard self-report"),
    "selfreport.submit": _("submitted a hazard self-report"),
    "selfreport.return": _("returned a hazard self-report"),
    "selfreport.correct": _("corrected a hazard self-report"),
    "selfreport.acknowledge": _("acknowledged a hazard self-report"),
    **MORE_ACTION_LABELS,
}
_LABEL_SOURCES = {"application.": "certification.workflow.TRANSITIONS"}

# Keys written beside the model's fields (the moves' details).
EXTRA_FIELD_LABELS: dict[str, StrOrPromise] = {
    "comment": _("reasons"),
    "granted_tier": _("grade granted"),
    "proposed_tier": _("proposed grade"),
    "batch": _("verification batch"),
    "spot_checks": _("spot checks"),
    "seed": _("seed of the draw"),
    "drawn": _("drawn"),
}

# The page an audited object is seen on: object_type → URL name taking its id.
OBJECT_URLS = {
    "certification.application": "certification:detail",
    "certification.verificationbatch": "certification:verification_batch",
    "enterprises.enterprise": "enterprises:detail",
    "hazards.hazard": "hazards:detail",
    "reviews.assessment": "assessments:detail",
}


def action_label(action: str) -> str:
    """The action in the reader's language; the code itself when unknown."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    for prefix, path in _LABEL_SOURCES.items():
        if action.startswith(prefix):
            try:
                moves = import_string(path)
            except ImportError:
                break
            move = moves.get(action.removeprefix(prefix))
            if move is not None:
                return str(move.label)
    return action


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field_label(model: type[models.Model] | None, key: str) -> tuple[str, dict]:
    """A field's label and, for a field with choices, its values' labels."""
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            pass
        else:
            choices = dict(getattr(field, "flatchoices", None) or [])
            return str(getattr(field, "verbose_name", key)), choices
    if key in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[key]), {}
    if model is not None:
        # A part written with the object (a hazard's report and plan): a field
        # of that name in another model of the same app.
        for other in apps.get_app_config(model._meta.app_label).get_models():
            try:
                field = other._meta.get_field(key)
            except FieldDoesNotExist:
                continue
            choices = dict(getattr(field, "flatchoices", None) or [])
            return str(getattr(field, "verbose_name", key)), choices
    return key.replace("_", " "), {}


def _shown(value: Any, choices: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(_shown(item, choices) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown(item, {})}" for key, item in value.items())
    return str(choices.get(value, value))


@dataclass
class Change:
    label: str
    before: str | None  # None: the field had no value before (a creation)
    after: str


@dataclass
class Entry:
    """One audit event as the log page reads it."""

    event: AuditEvent
    action: str
    object_name: str
    object_url: str
    changes: list[Change]


def readable(event: AuditEvent) -> Entry:
    """The event's action, object and changes in the reader's language (no queries)."""
    model = _model(event.object_type)
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    changes = []
    for key in [*after, *(key for key in before if key not in after)]:
        label, choices = _field_label(model, key)
        old = _shown(before[key], choices) if key in before else None
        changes.append(Change(label, old, _shown(after.get(key), choices)))
    url = ""
    if event.object_type in OBJECT_URLS:
        try:
            url = reverse(OBJECT_URLS[event.object_type], args=[event.object_id])
        except NoReverseMatch:
            url = ""
    return Entry(
        event=event,
        action=action_label(event.action),
        object_name=event.object_repr,
        object_url=url,
        changes=changes,
    )
