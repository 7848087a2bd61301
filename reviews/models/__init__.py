from reviews.models.assessments import Assessment, AssessmentRow, Evidence, Result
from reviews.models.bodies import ConflictRelation, DisqualificationProposal, Reviewer
from reviews.models.standards import (
    Criterion,
    Element,
    ExtraTrigger,
    GradeThreshold,
    Grading,
    Standard,
    StandardVersion,
)

__all__ = [
    "Assessment",
    "AssessmentRow",
    "ConflictRelation",
    "Criterion",
    "DisqualificationProposal",
    "Element",
    "Evidence",
    "ExtraTrigger",
    "GradeThreshold",
    "Grading",
    "Result",
    "Reviewer",
    "Standard",
    "StandardVersion",
]
