from reviews.models.assessments import Assessment, AssessmentRow, Evidence, Result
from reviews.models.standards import (
    Criterion,
    Element,
    GradeThreshold,
    Grading,
    Standard,
    StandardVersion,
)

__all__ = [
    "Assessment", "AssessmentRow", "Criterion", "Element", "Evidence", "GradeThreshold",
    "Grading", "Result", "Standard", "StandardVersion",
]
