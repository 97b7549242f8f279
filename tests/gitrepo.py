"""Build real git repositories in temporary folders for tests, with exact authors, dates and time zones.

Dates are passed to git in its internal format, ``<seconds since the epoch>
<+hhmm>``, so a test controls the instant and the offset that git stores.
``fast_import`` writes thousands of commits in one process for tests that
need a long history.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ADA = ("Ada Lovelace", "ada@example.com")
GRACE = ("Grace Hopper", "grace@example.com")


def git_date(moment: dt.datetime) -> str:
    """Format an aware datetime in git's internal date format, keeping its UTC offset."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"git_date needs an aware datetime, got {moment!r}")
    offset_minutes = int(moment.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{int(moment.timestamp())} {sign}{hours:02d}{minutes:02d}"


def run_git(cwd: Path, *arguments: str, env: Mapping[str, str] | None = None, input: bytes | None = None) -> str:
    """Run git in ``cwd`` and return its stripped output. Raise AssertionError with git's stderr on failure."""
    environment = dict(os.environ)
    environment.update(env or {})
    completed = subprocess.run(["git", *arguments], cwd=cwd, env=environment, input=input, capture_output=True)
    if completed.returncode != 0:
        raise AssertionError(f"git {' '.join(arguments)} failed in {cwd}: {completed.stderr.decode(errors='replace')}")
    return completed.stdout.decode("utf-8", errors="replace").strip()


@dataclass(frozen=True, slots=True)
class FastImportCommit:
    """One commit for :meth:`GitRepo.fast_import`."""

    message: str
    authored_at: dt.datetime
    author: tuple[str, str] = ADA
    committed_at: dt.datetime | None = None
    branch: str = "main"


class GitRepo:
    """A repository in a temporary folder, with helpers to commit at exact dates."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def init(cls, path: Path, *, bare: bool = False, branch: str = "main") -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        run_git(path, "init", "-q", f"--initial-branch={branch}", *(["--bare"] if bare else []))
        return cls(path)

    def git(self, *arguments: str, env: Mapping[str, str] | None = None, input: bytes | None = None) -> str:
        return run_git(self.path, *arguments, env=env, input=input)

    def commit(
        self,
        message: str | bytes,
        authored_at: dt.datetime,
        *,
        author: tuple[str, str] = ADA,
        committed_at: dt.datetime | None = None,
        committer: tuple[str, str] | None = None,
        files: Mapping[str, str] | None = None,
        encoding: str | None = None,
    ) -> str:
        """Commit ``files`` (or an empty change) and return the new commit's full id.

        ``message`` as bytes goes to git unchanged, and ``encoding`` adds git's
        ``encoding`` header (``i18n.commitEncoding``). Without one, git 2.39 rewrites
        invalid UTF-8 as if it were Latin-1, so write raw bytes with fast-import.
        """
        for name, content in (files or {}).items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
            self.git("add", "--", name)

        committer = committer or author
        env = {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": git_date(authored_at),
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": git_date(committed_at or authored_at),
        }
        body = message.encode() if isinstance(message, str) else message
        options = ["-c", f"i18n.commitEncoding={encoding}"] if encoding else []
        self.git(*options, "commit", "-q", "--allow-empty", "--no-verify", "--cleanup=verbatim", "-F", "-", env=env, input=body)
        return self.git("rev-parse", "HEAD")

    def fast_import(self, commits: Iterable[FastImportCommit]) -> None:
        """Write ``commits`` in order with one ``git fast-import``, each on top of the last one of its branch."""
        chunks: list[bytes] = []
        last_mark: dict[str, int] = {}
        for mark, commit in enumerate(commits, start=1):
            message = commit.message.encode()
            author = f"{commit.author[0]} <{commit.author[1]}>"
            chunks.append(f"commit refs/heads/{commit.branch}\nmark :{mark}\n".encode())
            chunks.append(f"author {author} {git_date(commit.authored_at)}\n".encode())
            chunks.append(f"committer {author} {git_date(commit.committed_at or commit.authored_at)}\n".encode())
            chunks.append(f"data {len(message)}\n".encode() + message + b"\n")
            if commit.branch in last_mark:
                chunks.append(f"from :{last_mark[commit.branch]}\n".encode())
            elif last_mark:
                # A new branch starts from the most recent commit of any branch.
                chunks.append(f"from :{mark - 1}\n".encode())
            chunks.append(f"M 644 inline file-{mark % 20}.txt\ndata {len(message)}\n".encode() + message + b"\n")
            last_mark[commit.branch] = mark
        self.git("fast-import", "--quiet", input=b"".join(chunks))
        if (self.path / ".git").exists():
            # fast-import writes objects and refs only, so bring the index and files in line with HEAD.
            self.git("reset", "-q", "--hard")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")
