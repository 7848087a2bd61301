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
