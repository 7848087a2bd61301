"""A small world of enterprises and certificates in every state, counted by hand in
the tests (the figures are read on TODAY)."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from certification.models import (
    AnnouncementBatch,
    AnnualSelfAssessment,
    Application,
    Certificate,
    CertificateEvent,
    Status,
)
from enterprises.models import Enterprise
from portal.models import Industry
from tests.cast import make_enterprise
from tests.certification.factories import make_tiered_version, submitted_assessment

TODAY = datetime.date(2026, 6, 15)
NOW = "2026-06-15 10:00 +0800"
_serial = itertools.count(1)


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), timezone.get_current_timezone())


class World:
    def __init__(self, cast):
        self.cast = cast
        version = make_tiered_version("stats")
        self.assessment = submitted_assessment(cast.enterprise, cast.ent, version)
        self.batch = AnnouncementBatch.objects.create(
            organiser=cast.district.organisation,
            year=2023,
            number=1,
            title="公告",
            announced_on=datetime.date(2023, 1, 1),
            created_by=cast.district,
        )

    def application(self, enterprise, tier: str, status=Status.ANNOUNCED) -> Application:
        return Application.objects.create(
            enterprise=enterprise,
            applicant=self.cast.enterprise.organisation,
            assessment=self.assessment,
            tier=tier,
            industry=enterprise.industry or Industry.objects.get(code="machinery"),
            receiver=self.cast.district.organisation,
            status=status,
            created_by=self.cast.enterprise,
        )

    def certificate(self, enterprise, tier, valid_from, valid_until, **fields) -> Certificate:
        certificate = Certificate.objects.create(
            number=f"STAT-{next(_serial)}",
            application=self.application(enterprise, tier),
            enterprise=enterprise,
            tier=tier,
            industry=enterprise.industry or Industry.objects.get(code="machinery"),
            announcement=self.batch,
            valid_from=valid_from,
            valid_until=valid_until,
            **fields,
        )
        Certificate.objects.filter(pk=certificate.pk).update(created_at=moment(valid_from))
        return certificate


def build(cast) -> dict:
    """Enterprises and certificates; see tests/reporting/statistics/test_figures.py."""
    world = World(cast)
    d = datetime.date
    machinery = Industry.objects.get(code="machinery")
    commerce = Industry.objects.get(code="commerce")
    jianwai, chaowai = cast.chaoyang_street, cast.other_chaoyang_street
    above, below, small = (
        Enterprise.Scale.ABOVE,
        Enterprise.Scale.BELOW,
        Enterprise.Scale.SMALL_MICRO,
    )
    e1 = make_enterprise("统计一", cast.chaoyang, 101, street=jianwai, scale=above)
    e2 = make_enterprise(
        "统计二", cast.chaoyang, 102, street=chaowai, scale=small, industry=commerce
    )
    e3 = make_enterprise("统计三", cast.chaoyang, 103, scale=above, status=Enterprise.Status.CLOSED)
    e4 = make_enterprise("统计四", cast.chaoyang, 104, street=jianwai, scale=above)
    e5 = make_enterprise("统计五", cast.chaoyang, 105, scale=below)
    e6 = make_enterprise("统计六", cast.haidian, 106, scale=above, industry=machinery)
    ent = cast.ent  # 建外, machinery, below, active
    # e1: level 2, expires within 30 days, renewal window open, no application.
    world.certificate(e1, "2", d(2023, 7, 2), d(2026, 7, 1))
    # e2: small and micro, flagged, annual self-assessment overdue.
    c2 = world.certificate(
        e2, "pass", d(2025, 5, 1), d(2028, 4, 30), review_flagged_at=moment(d(2026, 5, 1))
    )
    AnnualSelfAssessment.objects.create(
        certificate=c2,
        year=1,
        due_on=d(2026, 5, 1),
        overdue_recorded_at=moment(d(2026, 5, 2)),
    )
    # e3 (closed): level 3 suspended, expires within 60 days; it has applied to renew.
    world.certificate(e3, "3", d(2023, 8, 11), d(2026, 8, 10), status=Certificate.Status.SUSPENDED)
    world.application(e3, "3", status=Status.SUBMITTED)
    # ent: level 3 revoked this year (fatal accident); level 3 expired without renewal.
    world.certificate(
        ent,
        "3",
        d(2024, 1, 1),
        d(2026, 12, 31),
        status=Certificate.Status.REVOKED,
        status_reason="fatal_accident",
        status_changed_at=moment(d(2026, 3, 1)),
    )
    world.certificate(ent, "3", d(2023, 2, 2), d(2026, 2, 1), status=Certificate.Status.EXPIRED)
    # e5: level 1 renewed (the old one expired after the renewal), the new one issued this year.
    old = world.certificate(
        e5, "1", d(2023, 1, 11), d(2026, 1, 10), status=Certificate.Status.EXPIRED
    )
    CertificateEvent.objects.create(certificate=old, action=CertificateEvent.Action.RENEWED)
    world.certificate(e5, "1", d(2026, 1, 5), d(2029, 1, 4))
    # 海淀区: a new level 3 certificate, a level 2 revoked this year (fraud).
    world.certificate(cast.other_ent, "3", d(2026, 2, 1), d(2029, 1, 31))
    world.certificate(
        e6,
        "2",
        d(2024, 4, 1),
        d(2027, 3, 31),
        status=Certificate.Status.REVOKED,
        status_reason="fraud",
        status_changed_at=moment(d(2026, 4, 1)),
    )
    return {"e1": e1, "e2": e2, "e3": e3, "e4": e4, "e5": e5, "e6": e6, "world": world}
