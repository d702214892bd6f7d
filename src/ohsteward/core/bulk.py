"""Fast bulk inserts: PostgreSQL ``COPY`` where available, ``bulk_create`` elsewhere.

Used by imports after every row has been validated in Python; the database still enforces its
constraints (a failing COPY rolls back the surrounding transaction).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _copy_value(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return value


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``fields``, attnames such as ``region_id``)."""
    if not rows:
        return
    meta = model._meta
    field_objs = [next(f for f in meta.concrete_fields if f.attname == name) for name in fields]
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(f.column) for f in field_objs)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor:
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([_copy_value(f, v) for f, v in zip(field_objs, row, strict=True)])
        return
    objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model.objects.bulk_create(objs, batch_size=500)
