"""The simplified path for small and micro firms, per grade applied for
(settings.SIMPLIFIED_PATH): 京政办发〔2013〕10号 三(二) asks districts, for the
reviews of 规模以下企业 and 小微企业 against the basic standard, to "注重实效、简化程序、
提高效率" (the seed document, /work/shared/seed-jingzhengbanfa-2013-10.txt). The
text names no figure, so each part is a setting: fewer materials to submit,
a smaller review team, no on-site spot check at verification, a shorter
publicity, and the certificate's mark (settings.SMALL_MICRO_CERTIFICATE_MARK).
"""

from __future__ import annotations

from django.conf import settings

from certification.models import MaterialKind
from certification.models.applications import REQUIRED_MATERIALS

# The review team of the full path (domain.md §4.2: "at least 2 reviewers").
FULL_TEAM = 2


def path_for(tier: str) -> dict | None:
    """The simplified path of a grade, or None for the full path."""
    configured: dict[str, dict] = getattr(settings, "SIMPLIFIED_PATH", {}) or {}
    return configured.get(tier)


def required_materials(tier: str) -> list[str]:
    path = path_for(tier)
    if path is None or "materials" not in path:
        return [str(kind) for kind in REQUIRED_MATERIALS]
    return [kind for kind in path["materials"] if kind in MaterialKind.values]


def team_minimum(tier: str) -> int:
    path = path_for(tier)
    return int(path.get("reviewers", FULL_TEAM)) if path else FULL_TEAM


def spot_checked(tier: str) -> bool:
    """Whether the verification's one-third draw includes the grade: the
    simplified path's applications are never drawn (京政办发〔2013〕10号 三(二)
    "简化程序"; the review itself is the check)."""
    path = path_for(tier)
    return bool(path.get("spot_check", False)) if path is not None else True


def publicity_days(tier: str) -> int:
    """The grade's publicity in working days: the simplified path's
    (settings.SIMPLIFIED_PUBLICITY_WORKING_DAYS), otherwise the publicity's
    time limit; never below settings.PUBLICITY_MIN_WORKING_DAYS."""
    from certification.models import Status
    from certification.workflow import time_limit

    path = path_for(tier)
    full = time_limit(Status.PUBLICITY) or 0
    if path is None:
        return full
    days = int(path.get("publicity_days", settings.SIMPLIFIED_PUBLICITY_WORKING_DAYS))
    return max(days, settings.PUBLICITY_MIN_WORKING_DAYS)


def certificate_mark() -> str:
    """The small-firm grade's mark in certificate numbers: "XW" or "Ⅲ"
    (settings.SMALL_MICRO_CERTIFICATE_MARK)."""
    return str(getattr(settings, "SMALL_MICRO_CERTIFICATE_MARK", "XW"))


def simplified_publicity_days() -> int | None:
    """The publicity of a batch of simplified-path applications only (the
    longest among its grades), or None without a simplified path."""
    configured: dict[str, dict] = getattr(settings, "SIMPLIFIED_PATH", {}) or {}
    return max((publicity_days(tier) for tier in configured), default=None)


def never_drawn_tiers() -> list[str]:
    """The grades whose applications no spot check draws or reopens."""
    configured: dict[str, dict] = getattr(settings, "SIMPLIFIED_PATH", {}) or {}
    return sorted(tier for tier in configured if not spot_checked(tier))
