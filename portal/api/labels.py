"""A choice field's label in the API, translated once per list instead of once per row.

``serializers.CharField(source="get_status_display")`` costs two things on every row:
Django's ``get_FOO_display`` builds a dict of all the field's choices, hashing (and so
translating) each lazy label, and DRF inspects the bound method's signature before
calling it. On a 50-row list with two such fields that was about a third of the
serializer's time.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.models import Industry, Region


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.Field):
    """The label of the model field ``source``'s value in the request's language,
    read-only; a value without a label shows as itself, as ``get_FOO_display`` does."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        super().__init__(source=source, read_only=True, **kwargs)
        self._labels: dict[str | None, dict[Any, str]] = {}

    def to_representation(self, value: Any) -> Any:
        language = get_language()
        labels = self._labels.get(language)
        if labels is None:
            model = cast(Any, self.parent).Meta.model  # a ModelSerializer's
            choices = model._meta.get_field(self.source).flatchoices
            labels = self._labels[language] = {key: str(label) for key, label in choices}
        return labels.get(value, value)


@extend_schema_field(OpenApiTypes.STR)
class ReferenceNameField(serializers.Field):
    """The name, in the request's language, of the district or industry whose code the
    row holds at ``source``: the small reference table read once per list rather than
    joined to every row (two more joins doubled the time PostgreSQL spent choosing a
    join order for an application list, about 5 ms)."""

    def __init__(self, model: type[Region | Industry], source: str, **kwargs: Any) -> None:
        super().__init__(source=source, read_only=True, **kwargs)
        self._model = model
        self._names: dict[str, str] | None = None

    def to_representation(self, value: Any) -> Any:
        if self._names is None:  # one serializer per request, so one language
            self._names = {place.pk: place.display_name for place in self._model.objects.all()}
        return self._names.get(value, value)
