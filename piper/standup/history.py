"""Stored standups: list them and load one back as a report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piper.standup.model import StandupReport


async def list_runs(*, limit: int = 20) -> list[dict[str, Any]]:
    """Return the newest stored standups first, as JSON-ready summaries."""
    from piper.storage.database import open_database

    async with open_database() as db:
        runs = await db.standups.list_runs(limit=limit)
    return [
        {
            "id": run.id,
            "date": run.date.isoformat(),
            "generated_at": run.generated_at.isoformat(),
            "counts": dict(run.counts),
        }
        for run in runs
    ]


async def load_run(run_id: int) -> StandupReport:
    """Load the stored standup ``run_id``.

    Raises:
        NotFoundError: No stored standup has that id.
    """
    from piper.standup.model import StandupReport
    from piper.storage.database import open_database

    async with open_database() as db:
        run = await db.standups.get(run_id)
    report = StandupReport.from_json(run.report)
    report.generated_at = run.generated_at
    return report
