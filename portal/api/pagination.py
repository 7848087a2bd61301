"""API pagination of long lists: the count stops at the cap (portal/paging.py).

The response keeps the shape of DRF's page-number pagination (count, next,
previous, results) and adds ``count_is_capped``: when true, ``count`` is the
cap (settings.LIST_COUNT_CAP) and there are more rows; follow ``next``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from rest_framework.response import Response

from portal.api.base import PortalPagination
from portal.paging import CappedPaginator


class CappedPagination(PortalPagination):
    """A view with ``count_rows()`` has its count read from the rows that returns
    (CappedPaginator's count_rows), when it returns any; a view with
    ``paginator_class()`` has its paginator chosen per request by it (the
    registry's searches: enterprises.selectors.registry_paginator)."""

    django_paginator_class: Any = CappedPaginator

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        count_rows = getattr(view, "count_rows", None)
        rows = count_rows() if count_rows is not None else None
        chosen = getattr(view, "paginator_class", None)
        if rows is not None:
            self.django_paginator_class = partial(CappedPaginator, count_rows=rows)
        elif chosen is not None:
            self.django_paginator_class = chosen()
        else:
            self.django_paginator_class = CappedPaginator
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_capped": getattr(self.page.paginator, "count_is_capped", False),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            "Rows in all, exact up to the cap; the cap when count_is_capped."
        )
        response["properties"]["count_is_capped"] = {
            "type": "boolean",
            "example": False,
            "description": "True when there are more rows than count says.",
        }
        return response
