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
from certification.models.onsite import (  # noqa: E402
    Finding,
    OnSiteReview,
    ReportSignoff,
    ReviewFile,
)
from certification.models.publicity import (  # noqa: E402
    AnnouncementBatch,
    Certificate,
    Counter,
    Objection,
    PublicityBatch,
    PublicityItem,
)
from certification.models.verification import SpotCheck, VerificationBatch  # noqa: E402

__all__ += [
    "Finding",
    "OnSiteReview",
    "ReportSignoff",
    "ReviewFile",
    "AnnouncementBatch",
    "Certificate",
    "Counter",
    "Objection",
    "PublicityBatch",
    "PublicityItem",
    "SpotCheck",
    "VerificationBatch",
]
from certification.models.lifecycle import AnnualSelfAssessment, CertificateEvent  # noqa: E402
from certification.models.publicity import RevocationReason  # noqa: E402

__all__ += ["AnnualSelfAssessment", "CertificateEvent", "RevocationReason"]
from certification.models.pdf_jobs import PdfJob  # noqa: E402

__all__ += ["PdfJob"]
