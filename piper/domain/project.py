"""Projects: named groups of todos (and later of workflows and documents)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Project:
    """A project as stored in the database."""

    id: int
    name: str
    """Display name as the user typed it; unique regardless of case."""

    description: str | None
    archived: bool
    is_default: bool
    """True for the one project that new items join when none is named."""

    created_at: dt.datetime
    updated_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object for this project."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "archived": self.archived,
            "is_default": self.is_default,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def project_key(name: str) -> str:
    """Return the form of a project name used to compare names regardless of case."""
    return name.strip().casefold()
