"""Column types shared by the models and the migrations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

JSONDocument = JSON().with_variant(JSONB(), "postgresql")
"""A JSON column: ``jsonb`` on PostgreSQL, text on SQLite."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored in UTC and read back as an aware UTC datetime.

    PostgreSQL stores it as ``timestamp with time zone``. SQLite has no time
    zone type and SQLAlchemy writes its ``DATETIME`` as text without an
    offset, so the value is converted to UTC before writing, which keeps the
    text sortable, and UTC is attached again on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; Piper stores aware datetimes only")

        in_utc = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return in_utc.replace(tzinfo=None)
        return in_utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)
