"""What the registry tells the apps above it (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# An accident serious enough for a revocation review was recorded. Sent inside
# the recording transaction with actor, enterprise, accident and reason (the
# review's reason text); a receiver returns the list of what it flagged.
accident_flags_review = Signal()
