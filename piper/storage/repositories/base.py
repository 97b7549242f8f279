"""The base class shared by the repositories: where a method gets its session."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from piper.storage.database import Database


class Repository:
    """Base of the repositories.

    Built on an :class:`AsyncSession`, a repository works inside that
    session's transaction and leaves the commit to the code that opened the session. Built
    on a :class:`~piper.storage.database.Database`, it opens a session, and
    so a transaction, for each method call.
    """

    def __init__(self, target: AsyncSession | Database) -> None:
        if isinstance(target, AsyncSession):
            self._bound_session: AsyncSession | None = target
            self._database: Database | None = None
        else:
            self._bound_session = None
            self._database = target

    @contextlib.asynccontextmanager
    async def _session(self, *, readonly: bool = False) -> AsyncIterator[AsyncSession]:
        if self._bound_session is not None:
            yield self._bound_session
            return

        assert self._database is not None
        async with self._database.session(readonly=readonly) as session:
            yield session


def moment_or_now(now: dt.datetime | None) -> dt.datetime:
    """Return ``now``, or the current time in UTC when it is None.

    Raises:
        ValueError: for a naive datetime, which could mean any time zone.
    """
    if now is None:
        return dt.datetime.now(dt.timezone.utc)
    return require_aware(now, "now")


def require_aware(value: dt.datetime, name: str) -> dt.datetime:
    """Return ``value`` unchanged, or raise ValueError naming ``name`` when it is naive."""
    if value.utcoffset() is None:
        raise ValueError(f"{name}: naive datetime {value.isoformat()} given; Piper stores aware datetimes only")
    return value
