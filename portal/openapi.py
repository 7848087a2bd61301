"""drf-spectacular extensions of the portal's schema (loaded by PortalConfig.ready)."""

from __future__ import annotations

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)


def _target_field(field):
    queryset = getattr(field, "queryset", None)
    if queryset is None:
        return None
    model = queryset.model
    slug = getattr(field, "slug_field", None)
    if slug:
        return model._meta.get_field(slug)
    pk_field = getattr(field, "pk_field", None)
    return getattr(pk_field, "model_field", None) or model._meta.pk


class _KeyLengthMixin:
    """A reference by a text key (an industry or district code) says how long
    the key may be, like every other string a request may carry."""

    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        target = _target_field(self.target)
        max_length = getattr(target, "max_length", None)
        if schema.get("type") == "string" and max_length and "maxLength" not in schema:
            schema["maxLength"] = max_length
        return schema


class PrimaryKeyLength(_KeyLengthMixin, OpenApiSerializerFieldExtension):
    target_class = "rest_framework.relations.PrimaryKeyRelatedField"


class SlugLength(_KeyLengthMixin, OpenApiSerializerFieldExtension):
    target_class = "rest_framework.relations.SlugRelatedField"


class FeedTokenScheme(OpenApiAuthenticationExtension):
    """The status feeds' clients (reporting/standing/feeds): ``Authorization: Feed <token>``."""

    target_class = "reporting.standing.feeds.auth.FeedTokenAuthentication"
    name = "feedToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Feed <token>: a feed client's token, shown once when it is created.",
        }
