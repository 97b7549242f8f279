"""Helpers for the git source tests: a standup window, a request builder and a recording progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from piper.standup.model import ScanRoot, SourceResult, StandupRequest
from piper.standup.sources.git import GitSource

BERLIN = ZoneInfo("Europe/Berlin")
SINCE = dt.datetime(2026, 3, 6, 0, 0, tzinfo=BERLIN)
"""Friday 00:00 in Berlin: the window of a Monday standup starts here."""

UNTIL = dt.datetime(2026, 3, 9, 9, 0, tzinfo=BERLIN)
"""Monday 09:00 in Berlin, the moment of the run."""

IN_WINDOW = dt.datetime(2026, 3, 6, 10, 0, tzinfo=BERLIN)
BEFORE_WINDOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=BERLIN)


class RecordingProgress:
    """A Progress that records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def add_task(self, description: str, total: int | None) -> int:
        self.calls.append(("add_task", description, total))
        return 7

    def advance(self, task_id: int, steps: int = 1) -> None:
        self.calls.append(("advance", task_id, steps))

    def update_total(self, task_id: int, total: int) -> None:
        self.calls.append(("update_total", task_id, total))


def make_request(
    *,
    repos: list[Path] | None = None,
    scan: list[Path] | None = None,
    depth: int = 3,
    authors: list[str] | None = None,
    since: dt.datetime = SINCE,
    until: dt.datetime = UNTIL,
    follow_links: bool = False,
    scan_nested: bool = False,
    max_git_processes: int = 4,
) -> StandupRequest:
    return StandupRequest(
        date=until.date(),
        since=since,
        until=until,
        timezone=BERLIN,
        authors=authors,
        repos=list(repos or []),
        scan_roots=[ScanRoot(path=path, depth=depth) for path in scan or []],
        follow_links=follow_links,
        scan_nested=scan_nested,
        max_git_processes=max_git_processes,
    )


async def collect(request: StandupRequest, progress: RecordingProgress | None = None) -> SourceResult:
    return await GitSource().collect(request, progress or RecordingProgress())


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder for the test's repositories, with symbolic links resolved."""
    return tmp_path.resolve()
