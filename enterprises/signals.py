"""What the registry tells the apps above it (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# An accident serious enough for a revocation review was recorded. Sent inside
# the recording transaction with actor, enterprise, accident and reason (the
# review's reason text); a receiver returns the list of what it flagged.
accident_flags_review = Signal()

# A major hazard (重大事故隐患) is still open past its rectification deadline. Sent
# once per hazard by the hazards app's daily job, inside its transaction, with
# actor (None: the scheduler), enterprise and reason (naming the hazard).
major_hazard_overdue = Signal()

# An enterprise's district, street or industry changed in the registry. Sent inside
# the changing transaction with enterprise (already saved) and before: a dict of the
# old region_id, street_id and industry_id. Apps that keep a copy of the enterprise's
# place on their own rows (the hazards app's open hazards) update it here.
enterprise_moved = Signal()

# An enterprise's name changed in the registry. Sent inside the changing transaction
# with enterprise (already saved) and before (the old name). Apps that keep a copy of
# the name for their lists' search (enterprises/name_copy.py) update it here.
enterprise_renamed = Signal()

# The attributes whose change is a move.
PLACE_FIELDS = ("region_id", "street_id", "industry_id")
# What the apps above keep copies of: the place and the name.
COPIED_FIELDS = (*PLACE_FIELDS, "name")


def copied_of(enterprise: object) -> dict[str, object]:
    return {name: getattr(enterprise, name) for name in COPIED_FIELDS}


def send_changes(enterprise: object, before: dict[str, object]) -> None:
    """Send enterprise_moved when the enterprise's place differs from ``before`` (a
    copied_of), enterprise_renamed when its name does."""
    place = {name: before[name] for name in PLACE_FIELDS}
    if place != {name: getattr(enterprise, name) for name in PLACE_FIELDS}:
        enterprise_moved.send(sender=type(enterprise), enterprise=enterprise, before=place)
    if before["name"] != enterprise.name:  # type: ignore[attr-defined]
        enterprise_renamed.send(
            sender=type(enterprise), enterprise=enterprise, before=before["name"]
        )
