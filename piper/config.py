"""Settings and the ``PIPER.user.md`` parser.

``PIPER.user.md`` is markdown with fenced YAML blocks (```` ```yaml ````).
Each block holds top-level keys; the blocks are merged in order and the
prose around them is documentation for people.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

StandupFormat = Literal["rich", "text", "markdown", "json", "slack"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Identity(_Section):
    """Who the user is, for matching commits and choosing the local time zone."""

    name: str | None = None
    emails: list[str] = Field(default_factory=list)
    """Every email the user commits with; matched case-insensitively."""

    github: str | None = None
    """GitHub login."""

    timezone: str | None = None
    """IANA time zone name such as ``Europe/Berlin``; None uses the system's (``TZ``)."""

    workdays: str = "Mon-Fri"
    """The work week: a day range such as ``Mon-Fri`` or ``Sun-Thu``, or a list ``Mon,Tue,Thu``."""


class ScanRootSetting(_Section):
    path: Path
    depth: int = 3


class StandupSettings(_Section):
    sources: list[str] | None = None
    """Sources to use when ``--source`` is not given; None means every configured source."""

    format: StandupFormat | None = None
    authors: list[str] = Field(default_factory=list)
    """Extra names or emails counted as the user's own work (pair-programming aliases)."""

    follow_links: bool = False
    scan_nested: bool = False
    max_git_processes: int | None = None


class Settings(_Section):
    identity: Identity = Field(default_factory=Identity)
    repositories: list[Path] = Field(default_factory=list)
    scan: list[ScanRootSetting] = Field(default_factory=list)
    default_repository: str | None = None
    """``owner/name`` used when a GitHub command gets no ``--repo``."""

    standup: StandupSettings = Field(default_factory=StandupSettings)

    source_path: Path | None = Field(default=None, exclude=True)
    """The file these settings were read from, or None for built-in defaults."""


def load_settings(path: Path | None = None) -> Settings:
    """Read settings from ``path`` (default: the user's ``PIPER.user.md``).

    A missing file gives the built-in defaults.
    """
    # TODO: parse the fenced YAML blocks; until then only the defaults exist.
    return Settings()
