from certification.models.applications import (
    Application,
    ApplicationEvent,
    Material,
    MaterialKind,
    Status,
)

__all__ = ["Application", "ApplicationEvent", "Material", "MaterialKind", "Status"]
