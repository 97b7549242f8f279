"""The standup's data: items, what each source returned, the request and the report.

The JSON shape of a report is a public contract (``piper standup --json``);
:meth:`StandupReport.to_json` is the one place that builds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


SourceStatus = Literal["ok", "error", "skipped"]

SOURCE_NAMES = ("git", "github", "todos", "calendar")
"""Every source name ``--source`` accepts, in the order sources are reported."""


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a standup: a commit, a todo, a branch in progress, ...

    ``kind`` is one of ``commit``, ``pull_request``, ``issue``, ``review``,
    ``todo`` and ``event``, plus three kinds for local git state:
    ``branch`` (unpushed or unmerged work), ``working_tree`` (uncommitted
    changes) and ``git_operation`` (a merge, rebase or cherry-pick stopped
    half way).
    """

    source: str
    kind: str
    id: str
    """Stable identifier: the full 40-character SHA for a commit, the todo id for a todo."""

    title: str
    repo: str | None = None
    """``owner/name`` for GitHub items, the repository path for git items, else None."""

    url: str | None = None
    timestamp: dt.datetime | None = None
    """An aware datetime, or None when the item has no moment (an open todo)."""

    def to_json(self) -> dict[str, Any]:
        """Return the contract's JSON object for this item."""
        return {
            "source": self.source,
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "repo": self.repo,
            "url": self.url,
            "timestamp": self.timestamp.isoformat() if self.timestamp else None,
        }


@dataclass(slots=True)
class SourceResult:
    """What one source returned: its items by section and how it went.

    A source that fails or is not configured returns a result with status
    ``error`` or ``skipped`` and a ``reason``; it never fails the standup.
    """

    name: str
    status: SourceStatus = "ok"
    reason: str | None = None
    yesterday: list[Item] = field(default_factory=list)
    today: list[Item] = field(default_factory=list)
    blockers: list[Item] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    """Extra JSON fields for this source's entry in ``sources`` (``repos``, ``errors``)."""

    @classmethod
    def skipped(cls, name: str, reason: str) -> SourceResult:
        return cls(name=name, status="skipped", reason=reason)

    @classmethod
    def failed(cls, name: str, reason: str) -> SourceResult:
        return cls(name=name, status="error", reason=reason)

    def summary(self) -> dict[str, Any]:
        """Return this source's entry in the report's ``sources`` object."""
        entry: dict[str, Any] = {"status": self.status}
        if self.reason:
            entry["reason"] = self.reason
        entry.update(self.details)
        return entry


@dataclass(frozen=True, slots=True)
class ScanRoot:
    """A folder below which repositories are discovered."""

    path: Path
    depth: int = 3
    """How many folder levels below ``path`` to search; 0 looks at ``path`` alone."""


@dataclass(slots=True)
class StandupRequest:
    """Everything the sources need to know; built by the CLI from flags and config."""

    date: dt.date
    """The day the standup is for."""

    since: dt.datetime
    until: dt.datetime
    """The window, as aware datetimes in ``timezone``; an item counts when ``since <= t < until``."""

    timezone: dt.tzinfo
    authors: list[str] | None
    """Names or emails whose work counts (case-insensitive); None means every author."""

    repos: list[Path] = field(default_factory=list)
    scan_roots: list[ScanRoot] = field(default_factory=list)
    follow_links: bool = False
    """Follow symbolic links to folders while scanning."""

    scan_nested: bool = False
    """Also look for repositories inside a found repository's working tree."""

    sources: list[str] = field(default_factory=lambda: list(SOURCE_NAMES))
    max_git_processes: int = 8
    """Upper bound on git processes running at once."""

    include_current_state: bool = True
    """Report branches in progress, uncommitted changes and stopped operations.

    These describe the repository now, so they are left out when the window ended in the past.
    """


@dataclass(slots=True)
class StandupReport:
    """A generated standup, ready for the renderers."""

    date: dt.date
    since: dt.datetime
    until: dt.datetime
    authors: list[str]
    yesterday: list[Item]
    today: list[Item]
    blockers: list[Item]
    sources: dict[str, dict[str, Any]]
    generated_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the ``data`` object of ``piper standup --json``."""
        return {
            "date": self.date.isoformat(),
            "window": {"since": self.since.isoformat(), "until": self.until.isoformat()},
            "authors": list(self.authors),
            "yesterday_accomplishments": [item.to_json() for item in self.yesterday],
            "today_priorities": [item.to_json() for item in self.today],
            "blockers": [item.to_json() for item in self.blockers],
            "sources": self.sources,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StandupReport:
        """Rebuild a report from :meth:`to_json` output (stored standup runs)."""

        def items(key: str) -> list[Item]:
            return [
                Item(
                    source=raw["source"],
                    kind=raw["kind"],
                    id=raw["id"],
                    title=raw["title"],
                    repo=raw.get("repo"),
                    url=raw.get("url"),
                    timestamp=dt.datetime.fromisoformat(raw["timestamp"]) if raw.get("timestamp") else None,
                )
                for raw in data.get(key, [])
            ]

        return cls(
            date=dt.date.fromisoformat(data["date"]),
            since=dt.datetime.fromisoformat(data["window"]["since"]),
            until=dt.datetime.fromisoformat(data["window"]["until"]),
            authors=list(data.get("authors", [])),
            yesterday=items("yesterday_accomplishments"),
            today=items("today_priorities"),
            blockers=items("blockers"),
            sources=dict(data.get("sources", {})),
        )
