"""Role checks for assessments (scope comes from Assessment.objects.visible_to)."""

from __future__ import annotations

from portal.models import OrganisationKind
from portal.permissions import acts_for


def can_edit_assessment(user, assessment) -> bool:
    """Only the enterprise's own users fill in and submit its self-assessment;
    the reviewers' sheet is the review unit's (certification/onsite/rules.py)."""
    return (
        assessment.kind == assessment.Kind.SELF
        and acts_for(user, OrganisationKind.ENTERPRISE)
        and assessment.enterprise.account_id == user.organisation_id
    )


def can_start_assessment(user) -> bool:
    return acts_for(user, OrganisationKind.ENTERPRISE)
