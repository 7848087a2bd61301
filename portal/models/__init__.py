from portal.models.audit import AuditEvent
from portal.models.files import StoredFile
from portal.models.notifications import Notification
from portal.models.organisations import Organisation, OrganisationKind, Qualification, Tier
from portal.models.regions import Industry, Region, Street
from portal.models.users import User

__all__ = [
    "AuditEvent",
    "Industry",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "Qualification",
    "Region",
    "StoredFile",
    "Street",
    "Tier",
    "User",
]
