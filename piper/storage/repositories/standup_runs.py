"""Storing generated standups, so that ``piper standup`` can show earlier runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from piper.errors import NotFoundError
from piper.storage.models import StandupRunRow
from piper.storage.repositories.base import Repository
from piper.storage.standup_run_values import standup_run_values


@dataclass(frozen=True, slots=True)
class StandupRunSummary:
    """One stored standup without its report, as :meth:`StandupRunRepository.list_runs` returns it."""

    id: int
    date: dt.date
    """The day the standup was for."""

    since: dt.datetime
    until: dt.datetime
    """The report's window, as aware UTC datetimes."""

    generated_at: dt.datetime
    counts: dict[str, int]
    """Item count per section: ``{"yesterday": 3, "today": 2, "blockers": 0}``."""


@dataclass(frozen=True, slots=True)
class StandupRun:
    """One stored standup with its full report."""

    id: int
    date: dt.date
    since: dt.datetime
    until: dt.datetime
    authors: list[str]
    generated_at: dt.datetime
    counts: dict[str, int]
    """Item count per section: ``{"yesterday": 3, "today": 2, "blockers": 0}``."""
    report: dict[str, Any]
    """The ``data`` object of ``piper standup --json`` as it was generated."""


class StandupRunRepository(Repository):
    """Generated standups, newest first."""

    async def save(self, report: dict[str, Any], *, date: dt.date, generated_at: dt.datetime) -> int:
        """Store a report (the ``data`` object of ``piper standup --json``) and return its run id.

        The window, authors and section counts are read from the report.

        Raises:
            ValueError: when the report lacks ``window.since`` or
                ``window.until``, or a datetime has no offset.
        """
        row = StandupRunRow(**standup_run_values(report, date=date, generated_at=generated_at))
        async with self._session() as session:
            session.add(row)
            await session.flush()
            return row.id

    async def list_runs(self, limit: int = 20) -> list[StandupRunSummary]:
        """Return the latest ``limit`` runs, newest first, without their reports."""
        columns = (
            StandupRunRow.id,
            StandupRunRow.date,
            StandupRunRow.window_since,
            StandupRunRow.window_until,
            StandupRunRow.generated_at,
            StandupRunRow.yesterday_count,
            StandupRunRow.today_count,
            StandupRunRow.blockers_count,
        )
        statement = (
            select(*columns).order_by(StandupRunRow.generated_at.desc(), StandupRunRow.id.desc()).limit(limit)
        )
        async with self._session(readonly=True) as session:
            rows = (await session.execute(statement)).all()
        return [
            StandupRunSummary(
                id=row.id,
                date=row.date,
                since=row.window_since,
                until=row.window_until,
                generated_at=row.generated_at,
                counts=_counts(row),
            )
            for row in rows
        ]

    async def get(self, run_id: int) -> StandupRun:
        """Return the run with this id and its report.

        Raises:
            NotFoundError: naming the id, when there is none.
        """
        async with self._session(readonly=True) as session:
            row = await session.get(StandupRunRow, run_id)
            if row is None:
                raise NotFoundError(f"No standup run with id {run_id}.", details={"id": run_id})
            return StandupRun(
                id=row.id,
                date=row.date,
                since=row.window_since,
                until=row.window_until,
                authors=list(row.authors),
                generated_at=row.generated_at,
                counts=_counts(row),
                report=row.report,
            )


def _counts(row: Any) -> dict[str, int]:
    # Works for ORM rows and for result rows of the same columns.
    return {"yesterday": row.yesterday_count, "today": row.today_count, "blockers": row.blockers_count}
