"""Celery's autodiscovery looks for ``<app>.tasks``: the reporting app's tasks, each
defined beside what it runs."""

from reporting.assessment.tasks import *  # noqa: F403
from reporting.snapshots.tasks import *  # noqa: F403
from reporting.standing.tasks import *  # noqa: F403
from reporting.statistics.tasks import *  # noqa: F403
from reporting.worklists.tasks import *  # noqa: F403
