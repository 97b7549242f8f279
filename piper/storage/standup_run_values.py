"""The column values of a ``standup_runs`` row, built from a standup report.

Both writers use this function: :meth:`StandupRunRepository.save` through
SQLAlchemy and :func:`piper.storage.fast_sqlite.save_standup_run` through
sqlite3. It imports nothing heavy, so the sqlite3 path stays free of
SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def standup_run_values(report: dict[str, Any], *, date: dt.date, generated_at: dt.datetime) -> dict[str, Any]:
    """Return the ``standup_runs`` column values for ``report``, keyed by column name.

    ``report`` is the ``data`` object of ``piper standup --json``. The
    window, authors and section counts are read from it. The ``id`` column
    is left to the database.

    Raises:
        ValueError: when the report lacks ``window.since`` or
            ``window.until``, or a datetime has no offset.
    """
    try:
        since = dt.datetime.fromisoformat(report["window"]["since"])
        until = dt.datetime.fromisoformat(report["window"]["until"])
    except (KeyError, TypeError) as error:
        raise ValueError(f"standup report has no window.since and window.until: {error!r}") from error
    _require_aware(since, "window.since")
    _require_aware(until, "window.until")
    _require_aware(generated_at, "generated_at")

    return {
        "date": date,
        "window_since": since,
        "window_until": until,
        "authors": list(report.get("authors", [])),
        "yesterday_count": len(report.get("yesterday_accomplishments", [])),
        "today_count": len(report.get("today_priorities", [])),
        "blockers_count": len(report.get("blockers", [])),
        "report": report,
        "generated_at": generated_at,
    }


def _require_aware(value: dt.datetime, name: str) -> None:
    # The same check and message as piper.storage.repositories.base.require_aware,
    # which cannot be imported here because that module imports SQLAlchemy.
    if value.utcoffset() is None:
        raise ValueError(f"{name}: naive datetime {value.isoformat()} given; Piper stores aware datetimes only")
