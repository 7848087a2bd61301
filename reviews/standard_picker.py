"""Which standard fits an enterprise starting a self-assessment, and why.

The standards offered are those of reviews.selectors.applicable_versions (its
industry and scale); among them the picker recommends the most specific one:

1. a small or micro firm: a standard made for small and micro firms (its scale);
2. a standard made for the enterprise's industry alone, then one covering it
   among several industries, then a general one (its industry);
3. the grade it holds: a level 1–3 certificate is renewed or raised with a
   graded standard, a small-firm grade with the small-firm standard.

Ties keep the catalogue's order (code, newest version first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from enterprises import pages
from enterprises.models import Enterprise
from reviews.forms import version_label
from reviews.models import Grading, Standard, StandardVersion

LEVELS = ("1", "2", "3")


@dataclass
class Fit:
    version: StandardVersion
    label: str
    reasons: list[str] = field(default_factory=list)
    score: int = 0
    description: str = ""


@dataclass
class Picker:
    recommended: Fit | None
    others: list[Fit]
    chosen: str  # the version id checked in the form
    held: dict[str, Any] | None  # the enterprise's best live certificate, if any

    @property
    def other_chosen(self) -> bool:
        return any(str(fit.version.pk) == self.chosen for fit in self.others)


def held_certificate(enterprise: Enterprise) -> dict[str, Any] | None:
    """The enterprise's best live certificate, as the registry shows it (grade
    label, tier), from the app that issues certificates (enterprises/pages.py)."""
    return pages.standing().rows([enterprise.pk]).get(enterprise.pk)


def _industry(fit: Fit, enterprise: Enterprise, industry_ids: list[str]) -> None:
    name = str(enterprise.industry) if enterprise.industry else "—"
    if not industry_ids:
        fit.reasons.append(_("Covers every industry."))
    elif industry_ids == [enterprise.industry_id]:
        fit.score += 2
        fit.reasons.append(_("Made for your industry, %(industry)s.") % {"industry": name})
    else:
        fit.score += 1
        fit.reasons.append(
            _("Covers your industry, %(industry)s, with %(n)s others.")
            % {"industry": name, "n": len(industry_ids) - 1}
        )


def _scale(fit: Fit, enterprise: Enterprise, scales: list[str]) -> None:
    small = Enterprise.Scale.SMALL_MICRO
    if enterprise.scale == small and scales == [small]:
        fit.score += 3
        fit.reasons.append(_("Made for small and micro firms like yours: fewer, simpler criteria."))
    else:
        fit.reasons.append(
            _("For enterprises of your size (%(scale)s).")
            % {"scale": enterprise.get_scale_display() or "—"}
        )


def _grade(fit: Fit, grading: str, held: dict[str, Any] | None) -> None:
    tier = (held or {}).get("tier")
    if grading == Grading.TIERED:
        if tier in LEVELS:
            fit.score += 3
            fit.reasons.append(
                _(
                    "You hold a %(grade)s certificate: this standard grades levels 1 to 3, so it "
                    "renews or raises it."
                )
                % {"grade": held["grade"]}  # type: ignore[index]
            )
        else:
            fit.reasons.append(_("Grades levels 1 to 3."))
    elif tier == "pass":
        fit.score += 3
        fit.reasons.append(
            _("You hold the small-firm grade: this standard renews it (pass or fail).")
        )
    else:
        fit.reasons.append(_("Pass or fail: the small and micro grade."))


def standard_picker(
    enterprise: Enterprise, versions: list[StandardVersion], chosen: str = ""
) -> Picker:
    """The offered standards with their reasons, the best fit first; ``chosen``
    is what the form was sent with (a refused form keeps its choice)."""
    held = held_certificate(enterprise)
    industries: dict[int, list[str]] = {}
    for standard_id, industry_id in Standard.industries.through.objects.filter(
        standard_id__in={v.standard_id for v in versions}
    ).values_list("standard_id", "industry_id"):
        industries.setdefault(standard_id, []).append(industry_id)
    fits = []
    for version in versions:
        standard = version.standard
        fit = Fit(version, version_label(version), description=standard.description)
        _scale(fit, enterprise, list(standard.scales or []))
        _industry(fit, enterprise, sorted(industries.get(standard.pk, [])))
        _grade(fit, standard.grading, held)
        fits.append(fit)
    if not fits:
        return Picker(None, [], "", held)
    best = max(fits, key=lambda f: f.score)  # the first of equals: the catalogue's order
    others = [f for f in fits if f is not best]
    return Picker(best, others, chosen or str(best.version.pk), held)
