from certification.models.applications import (
    Application,
    ApplicationEvent,
    Material,
    MaterialKind,
    Status,
)

__all__ = ["Application", "ApplicationEvent", "Material", "MaterialKind", "Status"]
from certification.models.assignments import Assignment, AssignmentMember  # noqa: E402

__all__ += ["Assignment", "AssignmentMember"]
