"""Tests for the document records on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from piper.storage import Database

MOMENT = dt.datetime(2026, 3, 9, 9, 30, tzinfo=dt.timezone.utc)


async def begin(database: Database, path: str = "/docs/a.md", sha256: str = "a" * 64) -> None:
    await database.documents.begin_indexing(
        path, display_path="docs/a.md", title="A", kind="markdown", sha256=sha256, size=10, mtime=MOMENT, now=MOMENT
    )


async def test_begin_then_ready(database: Database) -> None:
    await begin(database)
    assert (await database.documents.get("/docs/a.md")).status == "indexing"

    await database.documents.mark_ready("/docs/a.md", passage_count=7, now=MOMENT)

    record = await database.documents.get("/docs/a.md")
    assert record.status == "ready"
    assert record.passage_count == 7
    assert record.mtime == MOMENT
    assert record.to_json()["path"] == "docs/a.md"


async def test_begin_again_updates_one_row(database: Database) -> None:
    await begin(database)
    await database.documents.mark_ready("/docs/a.md", passage_count=7)

    await begin(database, sha256="b" * 64)

    records = await database.documents.list()
    assert len(records) == 1
    assert records[0].sha256 == "b" * 64
    assert records[0].status == "indexing"
    assert records[0].passage_count == 7


async def test_mark_all_indexing_and_remove(database: Database) -> None:
    await begin(database, "/docs/a.md")
    await begin(database, "/docs/b.md")
    await database.documents.mark_ready("/docs/a.md", passage_count=1)

    assert await database.documents.mark_all_indexing() == 2
    assert {record.status for record in await database.documents.list()} == {"indexing"}
    assert await database.documents.remove("/docs/a.md") is True
    assert await database.documents.remove("/docs/a.md") is False
    assert await database.documents.remove_all() == 1
    assert await database.documents.list() == []
