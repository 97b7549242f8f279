"""Read commits with ``git log`` and parse its output.

Git prunes the walk by committer date (``--since``), the date its walk is
ordered by. A commit's place in the standup window is
decided here, in Python, by its author date: see :data:`COMMITTER_DATE_MARGIN`.
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
"""How far before the window's start git keeps walking, by committer date.

Git stops following a line of history at the first commit whose committer
date is before ``--since`` (``get_revision_1()`` in git's revision.c). Rebased and amended commits have a committer date
after their author date, so they are always reached. A commit whose committer
date is *before* its author date (a clock that was off on the committing
machine, or a date set by hand) is still found when the difference is less
than this margin. The cost is a week of extra history per repository, which
git walks and Python parses and drops.
"""

FIELD_SEPARATOR = b"\x1f"
"""ASCII unit separator between the fields of one commit. ``-z`` ends each commit with NUL."""

# The subject comes last, so a stray separator inside it stays part of the subject.
_FORMAT = "%x1f".join(["%H", "%aN", "%aE", "%an", "%ae", "%ad", "%s"])
_FIELD_COUNT = 7
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


def log_arguments(since: dt.datetime, extra_revisions: Sequence[str] = ()) -> list[str]:
    """Build the ``git log`` arguments for commits from ``since`` on, on every branch.

    ``--ignore-missing`` lets ``HEAD`` be unborn (a repository without commits).
    ``extra_revisions`` adds commits that no branch reaches, such as the
    detached ``HEAD`` of another worktree. ``--until`` is deliberately absent,
    because a commit authored inside the window may be committed after it.
    """
    pruned_since = since - COMMITTER_DATE_MARGIN
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
        f"--since=@{int(pruned_since.timestamp())} +0000",
        "--",
    ]


async def stream_commits(
    runner: GitRunner, repository: Path, since: dt.datetime, extra_revisions: Sequence[str] = ()
) -> AsyncIterator[Commit]:
    """Yield the commits that git reaches from ``since`` minus the margin, newest first, as git prints them.

    Raises:
        GitCommandError: git failed, for example on a corrupt object.
    """
    arguments = log_arguments(since, extra_revisions)
    async with aclosing(runner.records(repository, arguments)) as records:
        async for record in records:
            commit = parse_commit(record)
            if commit is not None:
                yield commit


def parse_commit(record: bytes) -> Commit | None:
    """Parse one ``-z`` record in the format of :func:`log_arguments`. Log and return None when it is malformed."""
    record = record.lstrip(b"\n")
    if not record:
        return None

    fields = record.split(FIELD_SEPARATOR, _FIELD_COUNT - 1)
    if len(fields) != _FIELD_COUNT:
        logger.warning("skipped a git log record with %d fields instead of %d: %r", len(fields), _FIELD_COUNT, record[:80])
        return None

    sha, author_name, author_email, raw_name, raw_email, raw_date, subject = (_decode(field) for field in fields)
    if not _OBJECT_ID.fullmatch(sha):
        logger.warning("skipped a git log record that does not start with a commit id: %r", record[:80])
        return None
    authored_at = parse_raw_date(raw_date)
    if authored_at is None:
        logger.warning("skipped commit %s: invalid author date %r", sha, raw_date)
        return None

    return Commit(
        sha=sha,
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
