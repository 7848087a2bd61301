"""The API's exception handler: DRF's, plus JSON answers for the request-size limits.

Django raises TooManyFieldsSent, TooManyFilesSent and RequestDataTooBig while DRF parses
the body; left alone they become Django's HTML 400 page. An API client gets JSON in the
user's language instead, with the limit it ran into.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, TooManyFieldsSent):
        return Response(
            {
                "detail": _("The request has too many fields (at most %(count)d).")
                % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, TooManyFilesSent):
        return Response(
            {
                "detail": _("The request has too many files (at most %(count)d).")
                % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {
                "detail": _("The request is too large (at most %(size)d MB).")
                % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return drf_exception_handler(exc, context)
