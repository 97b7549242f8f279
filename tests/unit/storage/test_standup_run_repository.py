"""Tests for StandupRunRepository on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from piper.errors import NotFoundError
from piper.storage import Database

GENERATED = dt.datetime(2026, 3, 9, 8, 12, 3, tzinfo=dt.timezone.utc)


def make_report(day: str = "2026-03-09", *, yesterday: int = 2, today: int = 1, blockers: int = 0) -> dict[str, Any]:
    item = {"source": "git", "kind": "commit", "id": "a" * 40, "title": "Fix the export", "repo": "/src/web",
            "url": None, "timestamp": "2026-03-06T15:00:00+01:00"}
    return {
        "date": day,
        "window": {"since": "2026-03-06T00:00:00+01:00", "until": "2026-03-09T09:12:03+01:00"},
        "authors": ["ada@example.com"],
        "yesterday_accomplishments": [item] * yesterday,
        "today_priorities": [item] * today,
        "blockers": [item] * blockers,
        "sources": {"git": {"status": "ok", "repos": 1}, "github": {"status": "skipped", "reason": "no token"}},
    }


async def test_save_and_get_round_trip(database: Database) -> None:
    report = make_report(blockers=1)

    run_id = await database.standups.save(report, date=dt.date(2026, 3, 9), generated_at=GENERATED)
    run = await database.standups.get(run_id)

    assert run.id == run_id
    assert run.date == dt.date(2026, 3, 9)
    assert run.generated_at == GENERATED
    assert run.report == report
    assert run.authors == ["ada@example.com"]
    assert run.counts == {"yesterday": 2, "today": 1, "blockers": 1}
    assert run.since == dt.datetime(2026, 3, 5, 23, 0, tzinfo=dt.timezone.utc)
    assert run.until == dt.datetime(2026, 3, 9, 8, 12, 3, tzinfo=dt.timezone.utc)


async def test_list_runs_newest_first(database: Database) -> None:
    ids = []
    for hours in (0, 2, 1):
        ids.append(
            await database.standups.save(
                make_report(today=hours), date=dt.date(2026, 3, 9), generated_at=GENERATED + dt.timedelta(hours=hours)
            )
        )

    runs = await database.standups.list_runs()

    assert [run.id for run in runs] == [ids[1], ids[2], ids[0]]
    assert [run.counts["today"] for run in runs] == [2, 1, 0]
    assert runs[0].generated_at == GENERATED + dt.timedelta(hours=2)
    assert runs[0].date == dt.date(2026, 3, 9)


async def test_list_runs_limit(database: Database) -> None:
    for minutes in range(5):
        await database.standups.save(make_report(), date=dt.date(2026, 3, 9), generated_at=GENERATED + dt.timedelta(minutes=minutes))

    assert len(await database.standups.list_runs(limit=3)) == 3


async def test_get_unknown_run(database: Database) -> None:
    with pytest.raises(NotFoundError) as raised:
        await database.standups.get(999)

    assert raised.value.message == "No standup run with id 999."


async def test_save_without_window_rejected(database: Database) -> None:
    report = make_report()
    del report["window"]

    with pytest.raises(ValueError, match="window"):
        await database.standups.save(report, date=dt.date(2026, 3, 9), generated_at=GENERATED)


async def test_save_naive_generated_at_rejected(database: Database) -> None:
    with pytest.raises(ValueError, match="naive"):
        await database.standups.save(make_report(), date=dt.date(2026, 3, 9), generated_at=GENERATED.replace(tzinfo=None))

    assert await database.standups.list_runs() == []


async def test_report_keeps_unicode(database: Database) -> None:
    report = make_report()
    report["yesterday_accomplishments"][0] = {**report["yesterday_accomplishments"][0], "title": "Überarbeitung 🚀"}

    run_id = await database.standups.save(report, date=dt.date(2026, 3, 9), generated_at=GENERATED)

    assert (await database.standups.get(run_id)).report["yesterday_accomplishments"][0]["title"] == "Überarbeitung 🚀"
