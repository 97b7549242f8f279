"""What a query service gets and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.storage import Database


@dataclass(frozen=True, slots=True)
class QueryContext:
    """Services and facts a query service may read."""

    database: Database
    settings: Settings
    now: dt.datetime
    """Current time in the user's time zone (aware)."""

    text: str = ""
    """The user's message, for details the classifier's entities leave out (a time of day)."""


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    """A reply to a read: markdown for people and the data behind it."""

    message: str
    result: dict[str, Any] = field(default_factory=dict)


QueryService = Callable[[QueryContext, dict[str, Any]], Awaitable[QueryAnswer]]
"""An async function that answers one read action from the context and the intent's entities."""
