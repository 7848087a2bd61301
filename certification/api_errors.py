"""How the API answers the workflow engine's refusals, for every step's endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied

from certification.engine import TransitionConflict, TransitionForbidden
from portal.api.base import service_errors


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The application has changed in the meantime.")
    default_code = "conflict"


@contextmanager
def workflow_errors() -> Iterator[None]:
    """TransitionConflict → 409, TransitionForbidden → 403, any other
    refusal of a service → 400 naming the field."""
    with service_errors():
        try:
            yield
        except TransitionConflict as error:
            raise Conflict(str(error.message)) from None
        except TransitionForbidden as error:
            raise PermissionDenied(str(error.message)) from None
