"""The standup engine: runs the requested sources concurrently and merges their items.

A source that raises, or that is not available, becomes an ``error`` or
``skipped`` entry under ``sources``; it never fails the whole standup.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os

from piper.standup.model import SOURCE_NAMES, Item, SourceResult, StandupReport, StandupRequest
from piper.standup.progress import NoProgress, Progress
from piper.standup.sources import REGISTRY, load_source

logger = logging.getLogger(__name__)


def _unavailable_reason(name: str) -> str:
    """Explain why a source without a plug-in in this version was skipped."""
    if name == "github":
        if not os.environ.get("GITHUB_TOKEN"):
            return "no GitHub token configured"
        return "the GitHub source is not available in this version of Piper"
    if name == "calendar":
        return "no calendars configured"
    return f"no source called {name!r}"


async def _collect(name: str, request: StandupRequest, progress: Progress) -> SourceResult:
    if name not in REGISTRY:
        return SourceResult.skipped(name, _unavailable_reason(name))

    try:
        source = load_source(name)
        return await source.collect(request, progress)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # A broken source must not take the standup down with it.
        logger.exception("standup source %s failed", name)
        return SourceResult.failed(name, f"{type(exc).__name__}: {exc}")


def _drop_commits_git_found(by_name: dict[str, SourceResult]) -> None:
    """Remove GitHub's commits that the git source also read, matched by full SHA, so each commit is listed once."""
    git, github = by_name.get("git"), by_name.get("github")
    if git is None or github is None:
        return
    local = {item.id for item in git.yesterday if item.kind == "commit"}
    github.yesterday = [item for item in github.yesterday if item.kind != "commit" or item.id not in local]


def _sort_key(item: Item) -> tuple[float, str]:
    moment = item.timestamp.timestamp() if item.timestamp else float("inf")
    return (moment, item.id)


async def generate_standup(
    request: StandupRequest,
    *,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> StandupReport:
    """Collect every requested source and build the report.

    Yesterday's accomplishments are sorted oldest first. Today's priorities
    and blockers keep each source's own order (todos by priority, then git
    work in progress), sources in the order of :data:`SOURCE_NAMES`.
    """
    progress = progress or NoProgress()
    requested = [name for name in SOURCE_NAMES if name in request.sources]
    results = await asyncio.gather(*(_collect(name, request, progress) for name in requested))
    by_name = {result.name: result for result in results}
    _drop_commits_git_found(by_name)

    yesterday: list[Item] = []
    today: list[Item] = []
    blockers: list[Item] = []
    for name in ("todos", "github", "git", "calendar"):
        result = by_name.get(name)
        if result is None:
            continue
        yesterday.extend(result.yesterday)
        today.extend(result.today)
        blockers.extend(result.blockers)

    yesterday.sort(key=_sort_key)
    return StandupReport(
        date=request.date,
        since=request.since,
        until=request.until,
        authors=list(request.authors) if request.authors is not None else ["all"],
        yesterday=yesterday,
        today=today,
        blockers=blockers,
        sources={result.name: result.summary() for result in results},
        generated_at=now or dt.datetime.now(dt.timezone.utc),
    )
