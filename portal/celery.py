import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Ties the replica's reads to each task as a unit of work (its signal receivers).
from portal import db_router  # noqa: E402, F401
