"""Run git processes for many repositories at once, with a cap on how many run together.

Every command runs as ``git --no-pager -c core.quotepath=off ... -C <repository>``
with ``LC_ALL=C`` for English messages, ``GIT_OPTIONAL_LOCKS=0`` and
``GIT_TERMINAL_PROMPT=0``. With optional locks off, ``git status`` neither
takes ``index.lock`` nor writes a refreshed index, so it cannot make the
user's own git commands fail. With the prompt off, git fails instead of
waiting for a password. Output stays bytes, and callers decode each field
themselves, because commit messages and names need not be valid UTF-8.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from piper.errors import PiperError

_READ_SIZE = 64 * 1024

# Variables that point git at another repository or index. Piper started from a
# git hook inherits them, and git would use them instead of the repository at `-C`.
_REPOSITORY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)

_CONFIG_OVERRIDES = (
    "-c", "core.quotepath=off",
    "-c", "color.ui=false",
    # A signature check would run gpg once per commit and mix its output into the log.
    "-c", "log.showSignature=false",
)


class GitNotFoundError(PiperError):
    """The git executable is not installed or not on ``PATH``."""

    def __init__(self) -> None:
        super().__init__("git is not installed or not on PATH.", hint="Install git to include commits in the standup.")


class GitCommandError(Exception):
    """A git command exited with an error in one repository."""

    def __init__(self, repository: Path, arguments: Sequence[str], returncode: int, stderr: bytes) -> None:
        self.repository = repository
        self.arguments = list(arguments)
        self.returncode = returncode
        self.stderr = stderr.decode("utf-8", errors="replace")
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The first ``fatal:`` or ``error:`` line of git's output, else its first line."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        for line in lines:
            for prefix in ("fatal:", "error:"):
                if line.startswith(prefix):
                    return line[len(prefix):].strip()
        if lines:
            return lines[0]
        return f"git {self.arguments[0] if self.arguments else ''} exited with status {self.returncode}"


def find_git_executable() -> str | None:
    return shutil.which("git")


def git_environment() -> dict[str, str]:
    """Return the environment for git processes: the current one, made non-interactive and stable."""
    environment = {name: value for name, value in os.environ.items() if name not in _REPOSITORY_VARIABLES}
    environment.update(LC_ALL="C", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat")
    return environment


class GitRunner:
    """Start git processes, at most ``max_processes`` at a time.

    Raises:
        GitNotFoundError: git is not on ``PATH`` (raised by the constructor).
    """

    def __init__(self, max_processes: int, *, executable: str | None = None) -> None:
        found = executable or find_git_executable()
        if found is None:
            raise GitNotFoundError()
        self.executable = found
        self._slots = asyncio.Semaphore(max(1, max_processes))
        self._environment = git_environment()
        self.processes_started = 0
        """Processes started so far, for tests and benchmarks."""

        self.max_running = 0
        """The largest number of processes that ran at the same time."""

        self._running = 0

    async def output(self, repository: Path, arguments: Sequence[str]) -> bytes:
        """Run git in ``repository`` and return its whole standard output.

        Raises:
            GitCommandError: git exited with a non-zero status.
        """
        async with self._process(repository, arguments) as process:
            stdout, stderr = await process.communicate()
        if process.returncode != 0:
            raise GitCommandError(repository, arguments, process.returncode or 0, stderr)
        return stdout

    async def records(self, repository: Path, arguments: Sequence[str], *, separator: bytes = b"\0") -> AsyncIterator[bytes]:
        """Run git in ``repository`` and yield its output split at ``separator``, as it arrives.

        Memory use is bounded by the read size plus the longest record, so a
        long history is never held whole.

        Raises:
            GitCommandError: git exited with a non-zero status (after the last record).
        """
        async with self._process(repository, arguments) as process:
            assert process.stdout is not None and process.stderr is not None
            # Read stderr alongside stdout, because a full stderr pipe would block git.
            stderr_task = asyncio.create_task(process.stderr.read())
            try:
                pending = b""
                while chunk := await process.stdout.read(_READ_SIZE):
                    pending += chunk
                    *complete, pending = pending.split(separator)
                    for record in complete:
                        yield record
                if pending:
                    yield pending
                returncode = await process.wait()
                stderr = await stderr_task
            finally:
                if not stderr_task.done():
                    stderr_task.cancel()
        if returncode != 0:
            raise GitCommandError(repository, arguments, returncode, stderr)

    @asynccontextmanager
    async def _process(self, repository: Path, arguments: Sequence[str]) -> AsyncIterator[asyncio.subprocess.Process]:
        """Start one git process while holding a slot, and kill it if the caller leaves early."""
        async with self._slots:
            process = await asyncio.create_subprocess_exec(
                self.executable,
                "--no-pager",
                *_CONFIG_OVERRIDES,
                "-C",
                str(repository),
                *arguments,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._environment,
            )
            self.processes_started += 1
            self._running += 1
            self.max_running = max(self.max_running, self._running)
            try:
                yield process
            finally:
                self._running -= 1
                if process.returncode is None:
                    process.kill()
                    await process.wait()
