"""Fast bulk inserts: PostgreSQL ``COPY`` where available, ``bulk_create`` elsewhere.

Used by imports after every row has been validated in Python; the database still enforces its
constraints (a failing COPY rolls back the surrounding transaction).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.expressions import RawSQL


def _json_or_none(value: Any) -> Any:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _column(field: Any) -> str:
    """A model field's column (``get_field`` may also return reverse relations, which have none)."""
    column = getattr(field, "column", None)
    if not isinstance(field, models.Field) or not column:
        raise ValueError(f"{field} is not a column of the model")
    return column


def by_values(
    model: type[models.Model], field: str, values: Sequence[Any], columns: Sequence[str]
) -> list[tuple]:
    """Rows (``columns``) whose ``field`` is in ``values``: one ``= ANY(array)`` query on PostgreSQL,
    chunked ``IN`` lists elsewhere (a 100k-value lookup is ~4x faster this way on PostgreSQL)."""
    if not values:
        return []
    if connection.vendor == "postgresql":
        meta = model._meta
        cols = [meta.get_field(c) for c in columns]
        sql = (
            f"SELECT {', '.join(connection.ops.quote_name(_column(c)) for c in cols)} "
            f"FROM {connection.ops.quote_name(meta.db_table)} "
            f"WHERE {connection.ops.quote_name(_column(meta.get_field(field)))} = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(values)])
            rows = cursor.fetchall()
        converters = [(i, c) for i, c in enumerate(cols) if isinstance(c, models.JSONField)]
        if converters:
            fixed = []
            for row in rows:
                row = list(row)
                for i, _ in converters:
                    if isinstance(row[i], str):
                        row[i] = json.loads(row[i])
                fixed.append(tuple(row))
            rows = fixed
        return rows
    out: list[tuple] = []
    for start in range(0, len(values), 5000):
        out.extend(
            model._default_manager.filter(**{f"{field}__in": values[start : start + 5000]}).values_list(
                *columns
            )
        )
    return out


def in_chunks(values: Sequence[Any], db_type: str = "bigint", size: int = 5000) -> Iterator[Any]:
    """Right-hand sides of an ``__in`` lookup for many ``values`` (``filter(pk__in=rhs)`` for each):
    on PostgreSQL one subquery over one array parameter (``SELECT unnest(%s::bigint[])``), not
    thousands of parameters, which Django compiles and psycopg splits at a cost of ~0.3 s per 5,000
    (the exam import's profile); elsewhere lists of ``size`` values."""
    if db_type not in {"bigint", "integer", "text", "date"}:
        raise ValueError(f"unsupported array type {db_type}")
    if not values:
        return
    if connection.vendor == "postgresql":
        yield RawSQL(f"SELECT unnest(%s::{db_type}[])", (list(values),))
        return
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``fields``, attnames such as ``region_id``)."""
    if not rows:
        return
    meta = model._meta
    field_objs = [next(f for f in meta.concrete_fields if f.attname == name) for name in fields]
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(_column(f)) for f in field_objs)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        json_idx = [i for i, f in enumerate(field_objs) if isinstance(f, models.JSONField)]
        # the raw psycopg cursor raises psycopg's own errors: wrapped, a duplicate key is Django's
        # IntegrityError on both databases (callers such as the register import rely on it)
        with connection.wrap_database_errors, connection.cursor() as cursor:
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    if json_idx:
                        row = list(row)
                        for i in json_idx:
                            row[i] = _json_or_none(row[i])
                    copy.write_row(row)
        return
    objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objs, batch_size=500)


def insert_objects(model: type[models.Model], objs: list, *, with_ids: bool = False) -> list:
    """Insert model instances in bulk: PostgreSQL ``COPY`` (``insert_rows``), ``bulk_create``
    elsewhere. No signals are sent: the caller writes the audit entries and calls the effects.

    With ``with_ids`` the primary keys are taken from the table's sequence first, so the
    instances know their ids afterwards (``bulk_create`` returns them on both databases).
    """
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        done = []
        for start in range(0, len(objs), 5000):
            done.extend(model._default_manager.bulk_create(objs[start : start + 5000]))
        return done
    meta = model._meta
    if with_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
    fields = [f for f in meta.concrete_fields if with_ids or not f.primary_key]
    rows = [[f.pre_save(obj, True) for f in fields] for obj in objs]
    insert_rows(model, [f.attname for f in fields], rows)
    for obj in objs:
        obj._state.adding = False
    return objs
