"""Self-assessment pages: list and start, the checklist that saves as you go,
evidence, submit and the printable report.

Thin views: parse → fetch through the user's scope (404 outside it) → check
the role (403) → call reviews/services.py → render. Every figure shown comes
from the scoring function (score_assessment / scoring.improvements).
"""

from reviews.views.answers import (
    assessment_print,
    assessment_submit,
    assessment_team,
    element_not_applicable,
    evidence_download,
    evidence_upload,
    row_save,
)
from reviews.views.checklist import (
    assessment_create,
    assessment_detail,
    assessment_list,
    element_rows,
)

__all__ = [
    "assessment_create",
    "assessment_detail",
    "assessment_list",
    "assessment_print",
    "assessment_submit",
    "assessment_team",
    "element_not_applicable",
    "element_rows",
    "evidence_download",
    "evidence_upload",
    "row_save",
]
