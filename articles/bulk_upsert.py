"""The articles' bulk upsert: ``COPY`` into a temporary table, then one ``INSERT … ON CONFLICT``.

Why not the ORM's bulk insert (django-postgres-extra's ``on_conflict().bulk_insert``): it builds
one statement with a parameter per value through Django's SQL compiler and model instances. At
ingest that wrote 1,046 rows/s where ``COPY`` of the same rows takes 3,981 (README →
Performance), and it held the whole batch three times over (rows, instances, parameters).
``COPY`` streams the rows to the server; the ``INSERT … SELECT … ON CONFLICT`` that follows
keeps every rule of the table (constraints, the unique natural key) and the upsert's meaning:
a row whose ``content_hash`` equals the stored one is left alone.

Values go through each field's ``get_db_prep_save``, as the ORM would send them (JSON, arrays of
dates, bytes, aware datetimes), and columns a row does not name get the field's default.
Only :mod:`articles.actions` calls this, inside its transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.db import connection

from .models import Article

#: The staging table: one per database session, emptied before each use and at each commit.
#: Its name carries a hash of the columns, so a session that outlives a migration of the
#: articles table makes a new one rather than copying into the old shape.
STAGING = "article_upsert_staging"


def upsert_articles_rows(rows: Sequence[dict], update: Sequence[str]) -> list[tuple[int, int, str]]:
    """Insert ``rows`` (Article attributes by attname: ``source_id``, ``key``, …) or, for a
    (source, key) already stored with another ``content_hash``, set the ``update`` columns.

    Returns ``(id, source_id, key)`` of every row written (inserted or updated); a row left
    alone (same hash) is not in it. Must run inside a transaction (``transaction.atomic``).
    """
    if not rows:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("upsert_articles_rows must run inside transaction.atomic()")
    meta = Article._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    unknown = set().union(*rows) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"not Article columns: {sorted(unknown)}")
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    staging = f"{STAGING}_{hashlib.sha1(columns.encode()).hexdigest()[:8]}"
    table = connection.ops.quote_name(meta.db_table)
    updates = ", ".join(
        f"{quoted} = EXCLUDED.{quoted}"
        for quoted in (connection.ops.quote_name(meta.get_field(name).column) for name in update)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{staging}"])
        if cursor.fetchone()[0] is None:
            _create_staging(cursor, staging, table, columns)
        cursor.execute(f"TRUNCATE {staging}")  # a savepoint's earlier use, not yet committed
        with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection)
                     for f in fields]
                )  # fmt: skip
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "
            f"ON CONFLICT (source_id, key) DO UPDATE SET {updates} "
            f"WHERE {table}.content_hash IS DISTINCT FROM EXCLUDED.content_hash "
            "RETURNING id, source_id, key"
        )
        return [tuple(found) for found in cursor.fetchall()]


def _create_staging(cursor, staging: str, table: str, columns: str) -> None:
    cursor.execute(
        f"CREATE TEMP TABLE {staging} ON COMMIT DELETE ROWS AS "
        f"SELECT {columns} FROM {table} WITH NO DATA"
    )
    # The table's column compression (LZ4, migration 0006), which CREATE … AS does not carry
    # over: the values are compressed as they are copied into the staging table, and the
    # INSERT … SELECT moves them into the table compressed as they are.
    cursor.execute(
        "SELECT attname, CASE attcompression WHEN 'l' THEN 'lz4' ELSE 'pglz' END"
        " FROM pg_attribute WHERE attrelid = %s::regclass AND attcompression <> ''",
        [table],
    )
    if compressed := cursor.fetchall():
        quote = connection.ops.quote_name
        cursor.execute(
            f"ALTER TABLE {staging} "
            + ", ".join(f"ALTER COLUMN {quote(name)} SET COMPRESSION {m}" for name, m in compressed)
        )
