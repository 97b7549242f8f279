"""Storing the records of knowledge-base documents: which files are indexed, at which content, and whether fully."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, select, update

from piper.storage.models import DocumentRow
from piper.storage.repositories.base import Repository, moment_or_now

DocumentStatus = Literal["indexing", "ready"]


@dataclass(frozen=True)
class DocumentRecord:
    """A file in the knowledge base, as recorded when it was last indexed."""

    id: int
    path: str
    """Absolute path: the document's identity, also in the knowledge index."""

    display_path: str
    """The path as the user added it."""

    title: str
    kind: str
    sha256: str
    size: int
    """Size in bytes."""

    mtime: dt.datetime
    passage_count: int
    status: DocumentStatus
    """``indexing`` from before its passages are replaced until the index contains them all, then ``ready``."""

    added_at: dt.datetime
    updated_at: dt.datetime

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.display_path,
            "absolute_path": self.path,
            "title": self.title,
            "kind": self.kind,
            "sha256": self.sha256,
            "size": self.size,
            "modified_at": self.mtime.isoformat(),
            "passages": self.passage_count,
            "status": self.status,
            "added_at": self.added_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


def to_record(row: DocumentRow) -> DocumentRecord:
    return DocumentRecord(
        id=row.id,
        path=row.path,
        display_path=row.display_path,
        title=row.title,
        kind=row.kind,
        sha256=row.sha256,
        size=row.size,
        mtime=row.mtime,
        passage_count=row.passage_count,
        status=row.status,  # type: ignore[arg-type] - the check constraint allows only the two statuses
        added_at=row.added_at,
        updated_at=row.updated_at,
    )


class DocumentRepository(Repository):
    """Document records keyed by absolute path."""

    async def get(self, path: str) -> DocumentRecord | None:
        """Return the record of the document at this absolute path, or None."""
        async with self._session(readonly=True) as session:
            row = await session.scalar(select(DocumentRow).where(DocumentRow.path == path))
            return to_record(row) if row is not None else None

    async def list(self) -> list[DocumentRecord]:
        """Return every record, ordered by the path as added."""
        async with self._session(readonly=True) as session:
            rows = await session.scalars(select(DocumentRow).order_by(DocumentRow.display_path, DocumentRow.path))
            return [to_record(row) for row in rows.all()]

    async def begin_indexing(
        self,
        path: str,
        *,
        display_path: str,
        title: str,
        kind: str,
        sha256: str,
        size: int,
        mtime: dt.datetime,
        now: dt.datetime | None = None,
    ) -> DocumentRecord:
        """Record a document as ``indexing`` with its new content, creating the record if needed.

        Call this before replacing the document's passages in the index, and
        :meth:`mark_ready` after; a record still ``indexing`` later means the
        replacement was interrupted.
        """
        moment = moment_or_now(now)
        async with self._session() as session:
            row = await session.scalar(select(DocumentRow).where(DocumentRow.path == path))
            if row is None:
                row = DocumentRow(path=path, passage_count=0, added_at=moment)
                session.add(row)
            row.display_path = display_path
            row.title = title
            row.kind = kind
            row.sha256 = sha256
            row.size = size
            row.mtime = mtime
            row.status = "indexing"
            row.updated_at = moment
            await session.flush()
            return to_record(row)

    async def mark_ready(self, path: str, *, passage_count: int, now: dt.datetime | None = None) -> None:
        """Record that the index contains all ``passage_count`` passages of the document; no change for an unknown path."""
        moment = moment_or_now(now)
        async with self._session() as session:
            row = await session.scalar(select(DocumentRow).where(DocumentRow.path == path))
            if row is not None:
                row.status = "ready"
                row.passage_count = passage_count
                row.updated_at = moment

    async def set_file_state(self, path: str, *, size: int, mtime: dt.datetime) -> None:
        """Record a new size and modification time for a file whose content did not change (a ``touch``)."""
        async with self._session() as session:
            await session.execute(update(DocumentRow).where(DocumentRow.path == path).values(size=size, mtime=mtime))

    async def mark_all_indexing(self, *, now: dt.datetime | None = None) -> int:
        """Mark every record ``indexing`` before the index is rebuilt; return how many there are."""
        moment = moment_or_now(now)
        async with self._session() as session:
            result = await session.execute(update(DocumentRow).values(status="indexing", updated_at=moment))
            return int(result.rowcount or 0)

    async def remove(self, path: str) -> bool:
        """Delete the record of the document at this absolute path; return whether there was one."""
        async with self._session() as session:
            result = await session.execute(delete(DocumentRow).where(DocumentRow.path == path))
            return bool(result.rowcount)

    async def remove_all(self) -> int:
        """Delete every record and return how many there were."""
        async with self._session() as session:
            result = await session.execute(delete(DocumentRow))
            return int(result.rowcount or 0)
