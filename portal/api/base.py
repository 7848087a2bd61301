"""Conventions shared by every API endpoint; see portal/api/__init__.py."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.settings import api_settings

from portal.errors import ServiceError
from portal.ids import MAX_ID
from portal.models import User
from portal.tokens import ExpiringTokenAuthentication

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from rest_framework.permissions import _PermissionClass

# --------------------------------------------------------------------------
# Shared building blocks


class IdField(serializers.IntegerField):
    """An id given as input: 1 to MAX_ID (portal/ids.py), so an absurd number is refused
    as out of range instead of failing in the database."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


if TYPE_CHECKING:
    _SerializerBase = serializers.Serializer
else:
    _SerializerBase = object


class RejectUnknownFieldsMixin(_SerializerBase):
    """Refuses a body that carries fields the serializer does not declare.

    DRF silently drops unknown keys, so a misspelt field ("adress") would
    look like a successful update that changed nothing. Checked in
    ``to_internal_value`` so that nested serializers are covered too; for
    the top level the data checked is ``self.initial_data``.

    For the same reason a read-only field is refused when its value differs
    from the current one; sent unchanged (a GET → PUT round trip) it passes.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                message = ngettext(
                    "Unknown field: %(unknown)s. Accepted fields: %(accepted)s.",
                    "Unknown fields: %(unknown)s. Accepted fields: %(accepted)s.",
                    len(unknown),
                ) % {"unknown": ", ".join(unknown), "accepted": ", ".join(self._writable())}
                raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
            read_only = [name for name in data if self.fields[name].read_only]
            if read_only:
                current = self.to_representation(self.instance) if self.instance else {}
                changed = sorted(
                    name for name in read_only if name not in current or current[name] != data[name]
                )
                if changed:
                    raise serializers.ValidationError(
                        {
                            name: [_("This field is read-only and cannot be changed here.")]
                            for name in changed
                        }
                    )
        return super().to_internal_value(data)

    def _writable(self) -> list[str]:
        return sorted(name for name, field in self.fields.items() if not field.read_only)


class NoBodySerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """For actions that take no input: any field sent is unknown."""


class CanAct(BasePermission):
    """Only users of an active organisation may use the data endpoints."""

    message: StrOrPromise = gettext_lazy("Your organisation's account is not active.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user.is_authenticated and user.can_act:
            return True
        if user.is_authenticated and user.organisation is not None:
            org = user.organisation
            self.message = _(
                "Your organisation's account is %(status)s: until it is active you can only "
                "read /api/v1/me/."
            ) % {"status": org.get_status_display().lower()}
        return False


class PortalPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class PortalAPIMixin:
    # Typed as APIView/GenericAPIView declare them, so that a view mixing this in agrees.
    # Token first: an anonymous request then gets 401 + WWW-Authenticate.
    authentication_classes: Sequence[type[BaseAuthentication]] = [
        ExpiringTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes: Sequence[_PermissionClass] = [IsAuthenticated, CanAct]
    pagination_class: type[BasePagination] | None = PortalPagination


def acting_user(request: Request) -> User:
    """The user of a request that the API's permission classes let through: logged in."""
    return cast(User, request.user)


def deny_unless(allowed: bool, message: str) -> None:
    """Inside the scope but without the right role: 403 with a reason."""
    if not allowed:
        raise PermissionDenied(message)


@contextmanager
def service_errors(field_map: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turns a refusal of a service or of ``full_clean`` into a 400 answer,
    naming API fields where the model's field names differ."""
    field_map = field_map or {}
    try:
        yield
    except ServiceError as error:
        key = (error.field and field_map.get(error.field, error.field)) or (
            api_settings.NON_FIELD_ERRORS_KEY
        )
        raise serializers.ValidationError({key: [str(error.message)]}) from None
    except DjangoValidationError as error:
        detail = serializers.as_serializer_error(error)
        raise serializers.ValidationError(
            {field_map.get(key, key): value for key, value in detail.items()}
        ) from None
