"""Finding the files that ``piper docs add`` reads, and the reason for every file it skips.

Folders are walked recursively. Hidden files and folders (names starting
with ``.``), dependency and cache folders (``node_modules``, Python virtual
environments), files of unknown types, binary files, empty files and files
over the size limit are skipped. A symbolic link is followed only while its
target stays inside the folder being added, unless ``follow_links`` is set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from piper.errors import UsageError
from piper.knowledge.extract import BINARY_KINDS, kind_of

DEPENDENCY_FOLDERS = frozenset({"node_modules", "__pycache__", "bower_components"})
"""Folders of installed packages and caches: thousands of third-party READMEs that would drown the user's own documents."""

SNIFF_BYTES = 8192
"""Bytes read from the start of a text file to detect a binary file by a NUL byte, as git and grep do."""


@dataclass(frozen=True)
class FoundFile:
    """A file to read, with what ``stat`` reported when it was found."""

    path: Path
    """Absolute path, with symbolic links left as they are: the document's identity."""

    display: str
    """The path as the user wrote it, or the folder they wrote joined with the file's place in it."""

    kind: str
    size: int
    """Size in bytes."""

    mtime: float
    """Last modification time, a Unix timestamp."""


@dataclass(frozen=True)
class SkippedFile:
    """A file or folder left out, and why."""

    path: str
    reason: str


@dataclass
class Discovery:
    files: list[FoundFile]
    skipped: list[SkippedFile]


def discover(arguments: list[str], *, max_file_size: int, follow_links: bool = False) -> Discovery:
    """Return the files to read below the given files and folders, and the skipped ones with reasons.

    Args:
        arguments: Files and folders as the user wrote them.
        max_file_size: Largest file to read, in bytes.
        follow_links: Follow symbolic links that point outside the folder being added.

    Raises:
        UsageError: for a path that does not exist; nothing is read then.
    """
    missing = [argument for argument in arguments if not os.path.lexists(argument)]
    if missing:
        raise UsageError(
            f"No such file or folder: {', '.join(missing)}.",
            hint="Check the path; 'piper docs add' takes files and folders.",
            details={"missing": missing},
        )

    walker = _Walker(max_file_size=max_file_size, follow_links=follow_links)
    for argument in arguments:
        display = os.path.normpath(argument)
        absolute = Path(os.path.abspath(argument))
        if absolute.is_dir():
            walker.walk_folder(absolute, display, root=Path(os.path.realpath(absolute)))
        else:
            # A file named on the command line is read even when hidden or reached through a link.
            walker.check_file(absolute, display)
    return Discovery(walker.files, walker.skipped)


class _Walker:
    def __init__(self, *, max_file_size: int, follow_links: bool) -> None:
        self.max_file_size = max_file_size
        self.follow_links = follow_links
        self.files: list[FoundFile] = []
        self.skipped: list[SkippedFile] = []
        self._seen_files: set[str] = set()
        self._seen_folders: set[str] = set()

    def walk_folder(self, folder: Path, display: str, *, root: Path) -> None:
        real = os.path.realpath(folder)
        if real in self._seen_folders:
            return  # A link loop, or a folder given twice.
        self._seen_folders.add(real)

        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            self.skipped.append(SkippedFile(display, f"cannot read the folder: {error.strerror}"))
            return

        for entry in entries:
            path = folder / entry.name
            # Adding "." shows "notes.md", not "./notes.md".
            as_added = entry.name if display == os.curdir else os.path.join(display, entry.name)
            if entry.name.startswith("."):
                self.skipped.append(SkippedFile(as_added, "hidden"))
                continue
            if entry.is_symlink() and not self._link_allowed(path, as_added, root):
                continue
            if entry.is_dir():
                if entry.name in DEPENDENCY_FOLDERS or (path / "pyvenv.cfg").is_file():
                    self.skipped.append(SkippedFile(as_added, "dependency folder; add it by name to read it"))
                    continue
                self.walk_folder(path, as_added, root=root)
            elif entry.is_file():
                self.check_file(path, as_added)
            else:
                self.skipped.append(SkippedFile(as_added, "not a regular file"))

    def _link_allowed(self, link: Path, as_added: str, root: Path) -> bool:
        target = Path(os.path.realpath(link))
        if not target.exists():
            self.skipped.append(SkippedFile(as_added, f"broken symbolic link to {os.readlink(link)}"))
            return False
        if self.follow_links or target == root or root in target.parents:
            return True
        self.skipped.append(
            SkippedFile(as_added, f"symbolic link to {target}, outside the folder being added; pass --follow-links to read it")
        )
        return False

    def check_file(self, path: Path, display: str) -> None:
        kind = kind_of(path)
        if kind is None:
            self.skipped.append(SkippedFile(display, f"unsupported file type {path.suffix or '(no extension)'}"))
            return

        try:
            status = path.stat()
        except OSError as error:
            self.skipped.append(SkippedFile(display, f"cannot read the file: {error.strerror}"))
            return
        if status.st_size > self.max_file_size:
            limit = self.max_file_size / (1024 * 1024)
            self.skipped.append(
                SkippedFile(display, f"{status.st_size / (1024 * 1024):.1f} MB, over the {limit:g} MB limit; raise documents.max_file_size_mb in PIPER.user.md to read it")
            )
            return
        if status.st_size == 0:
            self.skipped.append(SkippedFile(display, "empty file"))
            return
        if kind not in BINARY_KINDS and _has_nul_byte(path):
            self.skipped.append(SkippedFile(display, "binary file (contains NUL bytes)"))
            return

        real = os.path.realpath(path)
        if real in self._seen_files:
            return  # The same file reached twice, through a link or a repeated argument.
        self._seen_files.add(real)
        self.files.append(FoundFile(path=path, display=display, kind=kind, size=status.st_size, mtime=status.st_mtime))


def _has_nul_byte(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return b"\x00" in stream.read(SNIFF_BYTES)
    except OSError:
        return False
