"""Generate a standup and keep it in the history: the entry point every face calls."""

from __future__ import annotations

import asyncio
import importlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from piper.errors import PiperError
from piper.standup.engine import generate_standup

if TYPE_CHECKING:
    from piper.standup.model import StandupReport, StandupRequest
    from piper.standup.progress import Progress

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class StandupOutcome:
    report: StandupReport
    run_id: int | None
    """Id of the stored run in ``piper standup --history``, or None when it was not saved."""


async def run_standup(request: StandupRequest, *, progress: Progress | None = None, save: bool = True) -> StandupOutcome:
    """Generate the standup for ``request`` and store it in the history when ``save`` is set.

    A history that cannot be written costs a warning, not the standup.
    """
    # SQLAlchemy takes a quarter of a second to import, so start it while git runs
    # unless the sqlite3 fast path can probably store the run without it.
    warm_storage = None
    if save and _needs_sqlalchemy():
        warm_storage = asyncio.create_task(asyncio.to_thread(importlib.import_module, "piper.storage.database"))
    report = await generate_standup(request, progress=progress)

    run_id = None
    if warm_storage is not None:
        await warm_storage
    if save:
        try:
            run_id = await _save(report)
        except PiperError as exc:
            logger.warning("standup not saved to the history: %s", exc.message)
    return StandupOutcome(report=report, run_id=run_id)


def _needs_sqlalchemy() -> bool:
    """Return True unless the configured database is an existing SQLite file that the fast path may open.

    The schema revision is checked only when saving, so an old file still
    falls back to SQLAlchemy then, without the head start.
    """
    from piper.storage.fast_sqlite import database_file

    return database_file() is None


async def _save(report: StandupReport) -> int:
    """Store the report in ``standup_runs`` with sqlite3 when possible, else through SQLAlchemy."""
    from piper.storage import fast_sqlite

    data = report.to_json()
    run_id = await fast_sqlite.save_standup_run(data, date=report.date, generated_at=report.generated_at)
    if run_id is not None:
        return run_id

    from piper.storage.database import open_database

    async with open_database() as db:
        return await db.standups.save(data, date=report.date, generated_at=report.generated_at)
