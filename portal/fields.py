"""Model fields and checks that bound free text.

Django's TextField takes ``max_length`` only for the form field it makes; it
validates nothing on ``full_clean`` and the database stores any length. A
page or API that forgets a limit would then keep a million-character note and
hand it to every list, export and PDF. ``BoundedTextField`` requires the
limit and validates it, so ModelForms and DRF ModelSerializers (which copy
``max_length``) refuse too much text as well; services that write raw input
call ``check_length``.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _

from portal.errors import ServiceError


class BoundedTextField(models.TextField):
    """A TextField whose ``max_length`` (required) is validated."""

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))


def limit_of(model: type[models.Model], field_name: str) -> int:
    # Called for text fields only, which all have a max_length.
    field = cast("models.Field[Any, Any]", model._meta.get_field(field_name))
    return cast(int, field.max_length)


def check_length(
    value: str | None, model: type[models.Model], field_name: str, *, field: str | None = None
) -> None:
    """A ServiceError naming the field when ``value`` is longer than the
    model field allows."""
    limit = limit_of(model, field_name)
    if value and len(value) > limit:
        raise ServiceError(
            _("This text has %(length)d characters; at most %(limit)d are allowed.")
            % {"limit": limit, "length": len(value)},
            field=field or field_name,
        )
