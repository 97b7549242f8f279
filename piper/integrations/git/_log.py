"""Read commits with ``git log`` and parse its output.

Git walks history newest first by committer date. A commit's place in the
standup window is decided here, in Python, by its author date, and the
reading stops once the walk is well past the window: see
:data:`COMMITTER_DATE_MARGIN` and :data:`OLDER_COMMITS_BEFORE_STOP`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path

from piper.integrations.git._runner import GitRunner

logger = logging.getLogger(__name__)

COMMITTER_DATE_MARGIN = dt.timedelta(days=7)
"""How far before the window's start a commit's committer date must be before it counts as past the window.

Rebased and amended commits have a committer date after their author date,
so they are always reached before the walk passes the window. A commit
whose committer date is *before* its author date (a clock that was off, or
a date set by hand) is still found when the difference is below this margin.
"""

OLDER_COMMITS_BEFORE_STOP = 100
"""How many commits older than the margin are read before the reading stops.

Git's own ``--since`` is not used: it stops following a line of history at
the first commit older than the bound (``get_revision_1()`` in git's
revision.c), so one old-dated commit on top of new work (``git am
--committer-date-is-author-date`` of an old patch) would hide the new work.
Reading a fixed number of commits past the bound finds such work in git's
date-ordered walk and keeps the cost bounded by the window, not by the age
of the history.
"""

FIRST_BATCH = 256
"""Commits asked of the first ``git log`` (``--max-count``); each further batch is twice as large.

Git is asked for batches that end by themselves instead of being stopped
early, because killing a subprocess that may have exited already races with
asyncio's child watcher in CPython 3.11 and can leave ``Process.wait()``
waiting forever (seen here with 36 repositories read concurrently).
"""

FIELD_SEPARATOR = b"\x1f"
"""ASCII unit separator between the fields of one commit. ``-z`` ends each commit with NUL."""

# The subject comes last, so a stray separator inside it stays part of the subject.
_FORMAT = "%x1f".join(["%H", "%ct", "%aN", "%aE", "%an", "%ae", "%ad", "%s"])
_FIELD_COUNT = 8
_OBJECT_ID = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


@dataclass(frozen=True, slots=True)
class Commit:
    """One non-merge commit as ``git log`` printed it."""

    sha: str
    author_name: str
    """The author's name after ``.mailmap``."""

    author_email: str
    """The author's email after ``.mailmap``."""

    raw_author_name: str
    raw_author_email: str
    authored_at: dt.datetime
    """The author date, aware, in the commit's own UTC offset."""

    subject: str
    committed_at: float = 0.0
    """The committer date as seconds since the epoch; it orders git's walk."""


def log_arguments(
    since: dt.datetime, extra_revisions: Sequence[str] = (), *, skip: int = 0, max_count: int = FIRST_BATCH
) -> list[str]:
    """Build the ``git log`` arguments that list commits on every branch, newest first.

    ``--ignore-missing`` lets ``HEAD`` be unborn (a repository without commits).
    ``extra_revisions`` adds commits that no branch reaches, such as the
    detached ``HEAD`` of another worktree. Neither ``--since`` nor ``--until``
    is passed: :func:`stream_commits` stops reading past the window, and a
    commit authored inside the window may be committed after it.
    """
    return [
        "log",
        "--branches",
        "--remotes",
        "--ignore-missing",
        "HEAD",
        *extra_revisions,
        "--no-merges",
        "-z",
        "--encoding=UTF-8",
        "--date=raw",
        f"--format={_FORMAT}",
        f"--skip={skip}",
        f"--max-count={max_count}",
        "--",
    ]


async def stream_commits(
    runner: GitRunner, repository: Path, since: dt.datetime, extra_revisions: Sequence[str] = ()
) -> AsyncIterator[Commit]:
    """Yield commits newest first, as git prints them, until the walk is well past ``since``.

    Leaving the loop early kills the running git process; read to the end where possible.

    Raises:
        GitCommandError: git failed, for example on a corrupt object.
    """
    bound = (since - COMMITTER_DATE_MARGIN).timestamp()
    older_commits = 0
    skip, batch = 0, FIRST_BATCH
    while True:
        arguments = log_arguments(since, extra_revisions, skip=skip, max_count=batch)
        printed = 0
        past_window = False
        async with aclosing(runner.records(repository, arguments)) as records:
            async for record in records:
                printed += 1
                if past_window:
                    continue  # Drain the batch so git ends by itself.
                commit = parse_commit(record)
                if commit is None:
                    continue
                if commit.committed_at < bound:
                    older_commits += 1
                    past_window = older_commits > OLDER_COMMITS_BEFORE_STOP
                    if past_window:
                        continue
                yield commit

        if past_window or printed < batch:
            return
        skip, batch = skip + batch, batch * 2


def parse_commit(record: bytes) -> Commit | None:
    """Parse one ``-z`` record in the format of :func:`log_arguments`. Log and return None when it is malformed."""
    record = record.lstrip(b"\n")
    if not record:
        return None

    fields = record.split(FIELD_SEPARATOR, _FIELD_COUNT - 1)
    if len(fields) != _FIELD_COUNT:
        logger.warning("skipped a git log record with %d fields instead of %d: %r", len(fields), _FIELD_COUNT, record[:80])
        return None

    sha, committed_text, author_name, author_email, raw_name, raw_email, raw_date, subject = (_decode(field) for field in fields)
    if not _OBJECT_ID.fullmatch(sha):
        logger.warning("skipped a git log record that does not start with a commit id: %r", record[:80])
        return None
    authored_at = parse_raw_date(raw_date)
    if authored_at is None:
        logger.warning("skipped commit %s: invalid author date %r", sha, raw_date)
        return None

    try:
        committed_at = float(committed_text)
    except ValueError:
        logger.warning("skipped commit %s: invalid committer date %r", sha, committed_text)
        return None

    return Commit(
        sha=sha,
        committed_at=committed_at,
        author_name=author_name,
        author_email=author_email,
        raw_author_name=raw_name,
        raw_author_email=raw_email,
        authored_at=authored_at,
        subject=subject,
    )


def parse_raw_date(text: str) -> dt.datetime | None:
    """Parse git's raw date, ``<seconds since the epoch> <+hhmm offset>``, into an aware datetime.

    An offset that is not a valid time zone, as old or hand-made commits can
    contain, falls back to UTC. The instant stays right.
    """
    seconds_text, _, offset_text = text.strip().partition(" ")
    try:
        seconds = int(seconds_text)
    except ValueError:
        return None

    zone = _parse_offset(offset_text) or dt.timezone.utc
    try:
        return dt.datetime.fromtimestamp(seconds, tz=zone)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_offset(text: str) -> dt.timezone | None:
    if len(text) != 5 or text[0] not in "+-" or not text[1:].isdigit():
        return None
    hours, minutes = int(text[1:3]), int(text[3:5])
    if hours > 23 or minutes > 59:
        return None
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-offset if text[0] == "-" else offset)


def _decode(field: bytes) -> str:
    # Git has already re-encoded messages that declare an encoding to UTF-8
    # (--encoding=UTF-8). Anything left invalid is shown with U+FFFD.
    return field.decode("utf-8", errors="replace")
