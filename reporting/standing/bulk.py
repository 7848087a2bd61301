"""Writing many rows at once for the nightly job.

On PostgreSQL one ``INSERT … SELECT FROM unnest(array, array, …)`` per batch: each
column travels as one array parameter, so 10,000 rows cost one statement and no
per-row model instance (at 500,000 enterprises the first night writes every tier
row and a warning entry for each enterprise listed). Elsewhere (SQLite) Django's
bulk_create does the same job."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model
from psycopg2.extras import Json

BATCH = 10_000


def insert(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    conflict: str = "",
    update: Sequence[str] = (),
) -> None:
    """Inserts ``rows`` (values in the order of ``fields``, attnames); with
    ``conflict`` (a unique column), a row whose key exists updates ``update``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        if conflict:
            model._default_manager.bulk_create(
                objects,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=[conflict],
                update_fields=list(update),
            )
        else:
            model._default_manager.bulk_create(objects, batch_size=2000)
        return
    meta = model._meta

    def column(name: str) -> Field[Any, Any]:
        return cast("Field[Any, Any]", meta.get_field(name))

    columns = [column(name) for name in fields]
    casts = ", ".join(f"%s::{field.db_type(connection)}[]" for field in columns)
    names = ", ".join(f'"{field.column}"' for field in columns)
    sql = f'INSERT INTO "{meta.db_table}" ({names}) SELECT * FROM unnest({casts})'
    if conflict:
        key = column(conflict).column
        sets = ", ".join(
            f'"{column(name).column}" = EXCLUDED."{column(name).column}"' for name in update
        )
        sql += f' ON CONFLICT ("{key}") DO UPDATE SET {sets}'
    jsons = [field.get_internal_type() == "JSONField" for field in columns]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            arrays = [
                [Json(row[index]) if is_json else row[index] for row in batch]
                for index, is_json in enumerate(jsons)
            ]
            cursor.execute(sql, arrays)
