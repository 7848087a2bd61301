"""The registry API's list rows, built without DRF's per-field machinery.

``EnterpriseSerializer`` reads 32 fields per row through DRF's ``get_attribute`` and
``to_representation``: about 5 ms of a 50-row page, more than the page's SQL. The list
builds the same dicts here from the rows it has read. tests/enterprises/test_api_rows.py
compares every key and value with the serializer's, so a field added there and not here
fails it. Single enterprises (retrieve, create, update) still go through the serializer.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rest_framework import serializers

from enterprises.models import Enterprise
from enterprises.scale import derive_scale, enterprise_scale_warning
from enterprises.uscc import outside_beijing_warning


@cache
def _converters() -> dict[str, Any]:
    """DRF's own fields for the values that need converting (decimal places, time
    zone), as the serializer maps them from the model, so the format stays DRF's."""
    revenue = Enterprise._meta.get_field("annual_revenue")
    return {
        "annual_revenue": serializers.DecimalField(
            max_digits=revenue.max_digits, decimal_places=revenue.decimal_places
        ).to_representation,
        "date": serializers.DateField().to_representation,
        "datetime": serializers.DateTimeField().to_representation,
    }


def _or_none(convert, value):
    return None if value is None else convert(value)


def enterprise_rows(
    enterprises: list[Enterprise], standing: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The API list's rows of ``enterprises`` (read with their district, street,
    industry and group), as ``EnterpriseSerializer(many=True).data`` gives them."""
    convert = _converters()
    revenue = convert["annual_revenue"]
    day = convert["date"]
    moment = convert["datetime"]
    rows = []
    for e in enterprises:
        street, industry, group = e.street, e.industry, e.group
        rows.append(
            {
                "id": e.pk,
                "name": e.name,
                "uscc": e.uscc,
                "district": e.region_id,
                "district_name": e.region.display_name,
                "street": street.code if street else None,
                "street_name": street.display_name if street else None,
                "address": e.address,
                "industry": e.industry_id,
                "industry_name": industry.display_name if industry else None,
                "scale": e.scale,
                "employees": e.employees,
                "annual_revenue": _or_none(revenue, e.annual_revenue),
                "legal_representative": e.legal_representative,
                "safety_principal": e.safety_principal,
                "contact_name": e.contact_name,
                "contact_phone": e.contact_phone,
                "group": e.group_id,
                "group_name": group.name if group else None,
                "safety_licence_no": e.safety_licence_no,
                "safety_licence_expires": _or_none(day, e.safety_licence_expires),
                "status": e.status,
                "status_reason": e.status_reason,
                "standing": standing.get(e.pk),
                "derived_scale": derive_scale(e.industry_id, e.annual_revenue, e.employees),
                "scale_warning": enterprise_scale_warning(e),
                "uscc_warning": outside_beijing_warning(e.uscc),
                "dishonesty_listed_on": _or_none(day, e.dishonesty_listed_on),
                "dishonesty_source": e.dishonesty_source,
                "dishonesty_reason": e.dishonesty_reason,
                "created_at": _or_none(moment, e.created_at),
                "updated_at": _or_none(moment, e.updated_at),
            }
        )
    return rows
