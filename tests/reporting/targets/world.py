"""A small built cast for targets: enterprises in and out of a target's population,
with and without live certificates of the right grade."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from certification.models import Certificate
from enterprises.models import Enterprise
from portal.models import Industry
from reporting.models import Target
from reporting.targets.services import TargetInput, target_create
from tests.cast import Cast, make_enterprise
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue

ABOVE = Enterprise.Scale.ABOVE


@dataclass
class TargetWorld:
    target: Target
    by_name: dict[str, Enterprise]


def _certify(model: Certificate, enterprise: Enterprise, serial: int, **fields) -> None:
    """A copy of the real certificate (and its application) for another enterprise."""
    application = model.application
    application.pk = None
    application.id = None
    application.enterprise = enterprise
    application.save()
    cert = Certificate.objects.get(pk=model.pk)
    cert.pk = None
    cert.id = None
    cert.number = f"T{serial:08d}"
    cert.application = application
    cert.enterprise = enterprise
    for name, value in fields.items():
        setattr(cert, name, value)
    cert.save()


def build(cast: Cast) -> TargetWorld:
    real = issue(cast, make_tiered_version())  # cast.ent: below scale, out of the population
    metallurgy = Industry.objects.get(code="metallurgy")
    commerce = Industry.objects.get(code="commerce")
    cy, hd = cast.chaoyang, cast.haidian
    spec = [
        # name, region, fields, certificate (tier, status, valid_until) or None
        ("甲", cy, {"scale": ABOVE, "street": cast.chaoyang_street}, ("3", "valid", None)),
        ("乙", cy, {"scale": ABOVE, "industry": metallurgy}, ("pass", "valid", None)),
        ("丙", cy, {"scale": ABOVE}, ("2", "revoked", None)),
        ("丁", cy, {"scale": ABOVE}, ("3", "valid", datetime.date(2026, 1, 1))),
        ("戊", cy, {"scale": ABOVE, "street": cast.chaoyang_street}, None),
        ("己", cy, {}, ("1", "valid", None)),  # below scale: out
        ("庚", cy, {"scale": ABOVE, "industry": commerce}, None),  # other industry: out
        ("辛", cy, {"scale": ABOVE, "status": Enterprise.Status.CLOSED}, None),  # closed: out
        ("壬", hd, {"scale": ABOVE}, ("1", "suspended", None)),
        ("癸", hd, {"scale": ABOVE}, None),
    ]
    by_name = {}
    for serial, (name, region, fields, certificate) in enumerate(spec, start=100):
        enterprise = make_enterprise(f"{name}机械有限公司", region, serial, **fields)
        by_name[name] = enterprise
        if certificate:
            tier, status, until = certificate
            extra = {"valid_from": datetime.date(2023, 1, 1), "valid_until": until} if until else {}
            _certify(real, enterprise, serial, tier=tier, status=status, **extra)
    target = target_create(
        actor=cast.city,
        data=TargetInput(
            title="测试目标",
            document_number="京测〔2026〕1号",
            industries=["machinery", "metallurgy"],
            scales=[ABOVE],
            required_grade=Target.Grade.LEVEL_3,
            deadline=datetime.date(2027, 12, 31),
            rate=Decimal("80"),
            allocations={"110108": Decimal("50")},
            stages=[(datetime.date(2027, 6, 30), Decimal("60"))],
        ),
    )
    return TargetWorld(target=target, by_name=by_name)
