"""Turn standup options (flags, chat entities) and settings into a :class:`StandupRequest`.

It contains the rules every face shares: which authors count, which
repositories are read, which sources run and what the window is.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from piper.errors import ConfigError, UsageError
from piper.standup.model import SOURCE_NAMES, ScanRoot, StandupRequest
from piper.standup.window import parse_moment, parse_workdays, resolve_timezone, standup_window

if TYPE_CHECKING:
    from piper.config import Settings

logger = logging.getLogger(__name__)

DEFAULT_SCAN_DEPTH = 3
CURRENT_STATE_TOLERANCE = dt.timedelta(minutes=5)
"""A window that ends less than this before now still counts as ending now."""
ALL_AUTHORS = "all"


@dataclass(slots=True)
class StandupOptions:
    """Standup options from the user; each field is optional and falls back to the settings."""

    date: str | None = None
    since: str | None = None
    until: str | None = None
    authors: list[str] = field(default_factory=list)
    repos: list[str] = field(default_factory=list)
    scan: list[str] = field(default_factory=list)
    depth: int | None = None
    workdays: str | None = None
    sources: list[str] = field(default_factory=list)
    follow_links: bool | None = None
    scan_nested: bool | None = None
    cwd: Path | None = None
    """Folder to fall back to when no repository is configured (default: the current one)."""


def _override(text: str | None, flag: str, default: dt.datetime, timezone: dt.tzinfo, *, end_of_day: bool) -> dt.datetime:
    if not text:
        return default
    try:
        return parse_moment(text, timezone=timezone, end_of_day=end_of_day)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def _resolve_window(options: StandupOptions, settings: Settings, now: dt.datetime) -> tuple[dt.date, dt.datetime, dt.datetime, dt.tzinfo]:
    try:
        timezone = resolve_timezone(settings.identity.timezone)
    except ValueError as exc:
        raise ConfigError(f"{settings.source_path}: identity.timezone: {exc}") from None

    workdays_text = options.workdays or settings.identity.workdays
    try:
        workdays = parse_workdays(workdays_text)
    except ValueError as exc:
        raise UsageError(f"--workdays: {exc}") from None

    today = now.astimezone(timezone).date()
    day = today
    if options.date:
        try:
            day = dt.date.fromisoformat(options.date.strip())
        except ValueError:
            raise UsageError(f"--date: invalid date {options.date!r}. Use YYYY-MM-DD, such as {today.isoformat()}.") from None

    try:
        window = standup_window(day=day, now=now, timezone=timezone, workdays=workdays)
    except ValueError as exc:
        raise UsageError(f"--date: {exc}") from None

    since = _override(options.since, "--since", window.since, timezone, end_of_day=False)
    until = _override(options.until, "--until", window.until, timezone, end_of_day=True)

    if since >= until:
        raise UsageError(
            f"the window is empty: since {since.isoformat()} is not before until {until.isoformat()}. Check --since and --until."
        )
    return day, since, until, timezone


def _resolve_authors(options: StandupOptions, settings: Settings) -> list[str] | None:
    requested = [author.strip() for author in options.authors if author.strip()]
    if any(author.lower() == ALL_AUTHORS for author in requested):
        return None
    if requested:
        return requested

    identity = settings.identity
    configured = [value for value in [identity.name, *identity.emails, *settings.standup.authors] if value]
    if configured:
        return configured

    from piper.integrations.git import default_author_email

    email = default_author_email(options.cwd)
    if email:
        return [email]
    logger.warning("no identity configured and git user.email is unset; counting every author's commits")
    return None


def _expand(path_text: str, base: Path) -> Path:
    path = Path(os.path.expandvars(os.path.expanduser(path_text)))
    return path if path.is_absolute() else base / path


def _resolve_repositories(options: StandupOptions, settings: Settings) -> tuple[list[Path], list[ScanRoot]]:
    from piper.integrations.git import NotARepositoryError, RepositoryNotFoundError, resolve_repository

    cwd = options.cwd or Path.cwd()
    depth = options.depth if options.depth is not None else DEFAULT_SCAN_DEPTH
    if depth < 0:
        raise UsageError(f"--depth: invalid value {depth}; use 0 or more folder levels.")

    repos: list[Path] = []
    for text in options.repos:
        path = _expand(text, cwd)
        try:
            repos.append(resolve_repository(path))
        except RepositoryNotFoundError:
            raise UsageError(f"--repo: {text} does not exist.", details={"path": str(path)}) from None
        except NotARepositoryError as error:
            raise UsageError(f"--repo: {error.message}", hint=error.hint, details={"path": str(path)}) from None

    roots: list[ScanRoot] = []
    for text in options.scan:
        path = _expand(text, cwd)
        if not path.exists():
            raise UsageError(f"--scan: {text} does not exist.", details={"path": str(path)})
        if not path.is_dir():
            raise UsageError(f"--scan: {text} is not a folder.", details={"path": str(path)})
        roots.append(ScanRoot(path=path.resolve(), depth=depth))

    if repos or roots:
        return repos, roots

    # Nothing on the command line: the configured repositories, else the current one.
    configured_repos = [Path(path) for path in settings.repositories]
    configured_roots = [ScanRoot(path=Path(root.path), depth=root.depth) for root in settings.scan]
    if configured_repos or configured_roots:
        return configured_repos, configured_roots

    try:
        return [resolve_repository(cwd)], []
    except (RepositoryNotFoundError, NotARepositoryError):
        return [], []


def _resolve_sources(options: StandupOptions, settings: Settings) -> list[str]:
    requested = options.sources or settings.standup.sources or list(SOURCE_NAMES)
    unknown = [name for name in requested if name not in SOURCE_NAMES]
    if unknown:
        raise UsageError(f"--source: unknown source {unknown[0]!r}. Choose from {', '.join(SOURCE_NAMES)}.")
    return [name for name in SOURCE_NAMES if name in requested]


def _next_whole_second(moment: dt.datetime) -> dt.datetime:
    """Round up to a whole second: git dates have no fractions, and a commit made this second must count."""
    if moment.microsecond == 0:
        return moment
    return moment.replace(microsecond=0) + dt.timedelta(seconds=1)


def build_request(options: StandupOptions, settings: Settings, *, now: dt.datetime | None = None) -> StandupRequest:
    """Build the request for the engine, checking every option.

    Raises:
        UsageError: An option has an invalid value or names a missing path.
    """
    now = now or _next_whole_second(dt.datetime.now(dt.timezone.utc))
    day, since, until, timezone = _resolve_window(options, settings, now)
    sources = _resolve_sources(options, settings)
    repos, roots = _resolve_repositories(options, settings) if "git" in sources else ([], [])

    follow_links = options.follow_links if options.follow_links is not None else settings.standup.follow_links
    scan_nested = options.scan_nested if options.scan_nested is not None else settings.standup.scan_nested
    max_processes = settings.standup.max_git_processes or min(8, 2 * (os.cpu_count() or 1))

    return StandupRequest(
        date=day,
        since=since,
        until=until,
        timezone=timezone,
        authors=_resolve_authors(options, settings),
        repos=repos,
        scan_roots=roots,
        follow_links=follow_links,
        scan_nested=scan_nested,
        sources=sources,
        max_git_processes=max_processes,
        include_current_state=until >= now - CURRENT_STATE_TOLERANCE,
    )
