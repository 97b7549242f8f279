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
    # SQLAlchemy takes a quarter of a second to import; do it while git runs.
    warm_storage = asyncio.create_task(asyncio.to_thread(importlib.import_module, "piper.storage.database")) if save else None
    report = await generate_standup(request, progress=progress)

    run_id = None
    if save:
        assert warm_storage is not None
        await warm_storage
        try:
            run_id = await _save(report)
        except PiperError as exc:
            logger.warning("standup not saved to the history: %s", exc.message)
    return StandupOutcome(report=report, run_id=run_id)


async def _save(report: StandupReport) -> int:
    from piper.storage.database import open_database

    async with open_database() as db:
        return await db.standups.save(report.to_json(), date=report.date, generated_at=report.generated_at)
