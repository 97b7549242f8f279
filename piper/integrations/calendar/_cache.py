"""The last good download of each calendar URL, kept in the data folder for when the network fails.

Files are named by a SHA-256 of the URL, so the folder does not show the
URL: a subscription URL often carries a secret token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

CACHE_FOLDER = "calendars"
"""Folder below the data folder that contains the cached downloads."""


@dataclass(frozen=True, slots=True)
class CachedCalendar:
    content: bytes
    downloaded_at: dt.datetime
    """When the server last sent this content or confirmed it with HTTP 304 (aware, UTC)."""

    etag: str | None = None
    last_modified: str | None = None


class CalendarCache:
    """One ``.ics`` file and one ``.json`` file of HTTP validators per calendar URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> CalendarCache:
        from piper import paths

        return cls(paths.data_dir() / CACHE_FOLDER)

    def load(self, url: str) -> CachedCalendar | None:
        """Return the cached download of ``url``, or None when there is none or it cannot be read."""
        content_path, metadata_path = self._paths(url)
        try:
            content = content_path.read_bytes()
            metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
            downloaded_at = dt.datetime.fromisoformat(metadata["downloaded_at"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("ignoring the unreadable calendar cache %s: %s", content_path, error)
            return None
        return CachedCalendar(content, downloaded_at, metadata.get("etag"), metadata.get("last_modified"))

    def store(self, url: str, entry: CachedCalendar) -> None:
        """Write ``entry`` for ``url``; a failure to write costs a warning, not the calendar."""
        content_path, metadata_path = self._paths(url)
        metadata = {
            "downloaded_at": entry.downloaded_at.isoformat(),
            "etag": entry.etag,
            "last_modified": entry.last_modified,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(content_path, entry.content)
            _write_atomically(metadata_path, json.dumps(metadata).encode("utf-8"))
        except OSError as error:
            logger.warning("could not write the calendar cache in %s: %s", self.folder, error)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{key}.ics", self.folder / f"{key}.json"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a file."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
