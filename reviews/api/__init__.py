"""REST API of standards and self-assessments (conventions: portal/api/__init__.py).

Standards and their versions are read by every user who can act; draft
versions (and standards that have nothing but drafts) only by the city
office, everyone else gets 404. Assessments follow
``Assessment.objects.visible_to``: an enterprise sees its own, whoever sees
the enterprise sees its submitted ones. Only the enterprise's own users
write (``reviews.permissions``), and every write goes through
``reviews.services``. Scores come from ``score_assessment`` and nowhere
else.

Answering uses optimistic concurrency: each save names the ``revision`` of
the row it started from. When someone else saved the row in between the
answer is 409, with the message and the row as it now stands.
"""

from reviews.api.assessments import AssessmentViewSet

__all__ = ["AssessmentViewSet"]
