"""The simplified path for small and micro firms, per grade applied for
(settings.SIMPLIFIED_PATH): 京政办发〔2013〕10号 三(二) asks districts, for the
reviews of 规模以下企业 and 小微企业 against the basic standard, to "注重实效、简化程序、
提高效率" (the seed document, /work/shared/seed-jingzhengbanfa-2013-10.txt). The
text names no figure, so each part is a setting: fewer materials to submit
and a smaller review team.
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
