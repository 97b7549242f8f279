"""What every renderer shares: section titles, item labels and grouping by repository."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piper.standup.model import Item, StandupReport


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    items: list[Item]
    empty_text: str


@dataclass(frozen=True, slots=True)
class Group:
    """Items of one section that share a repository; ``label`` is None for items without one."""

    label: str | None
    items: list[Item]


def sections(report: StandupReport) -> list[Section]:
    """Return the three standup sections in reading order."""
    return [
        Section("Yesterday", report.yesterday, "Nothing recorded in this window."),
        Section("Today", report.today, "Nothing in progress or planned."),
        Section("Blockers", report.blockers, "No blockers."),
    ]


def repo_label(repo: str | None) -> str | None:
    """Shorten a repository for display: ``owner/name`` stays, a path becomes ``~/...``."""
    if repo is None:
        return None
    if not repo.startswith(("/", "~")) and not os.path.isabs(repo):
        return repo
    home = str(Path.home())
    if repo == home or repo.startswith(home + os.sep):
        return "~" + repo[len(home):]
    return repo


def group_by_repo(items: list[Item]) -> list[Group]:
    """Group items by repository, keeping the order in which repositories first appear.

    Items without a repository (todos) come first.
    """
    loose = [item for item in items if item.repo is None]
    grouped: dict[str, list[Item]] = {}
    for item in items:
        if item.repo is not None:
            grouped.setdefault(item.repo, []).append(item)

    groups = [Group(None, loose)] if loose else []
    groups.extend(Group(repo_label(repo), members) for repo, members in grouped.items())
    return groups


def short_id(item: Item) -> str | None:
    """Return the short form of an item's id worth showing: 7 characters of a commit SHA."""
    if item.kind == "commit":
        return item.id[:7]
    if item.kind == "todo":
        return f"#{item.id}"
    return None


def heading(report: StandupReport) -> str:
    """Return the report's title, such as ``Standup for Monday 9 March 2026``."""
    return f"Standup for {report.date.strftime('%A')} {report.date.day} {report.date.strftime('%B %Y')}"


def _moment(value: dt.datetime) -> str:
    return f"{value.strftime('%a')} {value.day} {value.strftime('%b %H:%M')}"


def window_line(report: StandupReport) -> str:
    """Describe the window in local time, with the UTC offset of its start."""
    offset = report.since.strftime("%z")
    offset_text = f"{offset[:3]}:{offset[3:]}" if offset else ""
    return f"Window: {_moment(report.since)} to {_moment(report.until)} (UTC{offset_text})"


def source_summaries(report: StandupReport) -> list[str]:
    """Describe each source in one phrase: ``git ok (3 repositories)``, ``github skipped: no token``."""
    phrases = []
    for name, entry in report.sources.items():
        status = entry.get("status", "ok")
        phrase = f"{name} {status}"
        counts = []
        repos = entry.get("repos")
        if isinstance(repos, int):
            counts.append(f"{repos} {'repository' if repos == 1 else 'repositories'}")
        errors = entry.get("errors") or []
        if errors:
            counts.append(f"{len(errors)} unreadable")
        if counts:
            phrase += f" ({', '.join(counts)})"
        # A failed source's reason is listed by source_problems, so it is not repeated here.
        if entry.get("reason") and status != "error":
            phrase += f": {entry['reason']}"
        phrases.append(phrase)
    return phrases


def source_problems(report: StandupReport) -> list[str]:
    """List each unreadable repository and failed source with its error, for the reader to act on."""
    problems = []
    for name, entry in report.sources.items():
        failed = entry.get("status") == "error"
        if failed:
            problems.append(f"{name}: {entry.get('reason', 'failed')}")

        # Errors without a repository (GitHub's search queries) often repeat one message, so
        # each message is listed once with its count, and not at all when the reason covers them.
        unlabelled: dict[str, int] = {}
        for error in entry.get("errors") or []:
            label = repo_label(error.get("repo"))
            if label is not None:
                problems.append(f"{name}: {label}: {error.get('error')}")
            else:
                message = str(error.get("error"))
                unlabelled[message] = unlabelled.get(message, 0) + 1
        if not failed:
            for message, count in unlabelled.items():
                problems.append(f"{name}: {count} requests failed: {message}" if count > 1 else f"{name}: {message}")
    return problems
