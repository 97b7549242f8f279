"""Tests for ProjectRepository on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from piper.errors import NotFoundError, PiperError, UsageError
from piper.storage import Database

MONDAY = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.timezone.utc)


async def test_add_and_find_ignore_case(database: Database) -> None:
    added = await database.projects.add("  Atlas ", description="The new billing system", now=MONDAY)

    found = await database.projects.find("ATLAS")

    assert added.name == "Atlas"
    assert added.description == "The new billing system"
    assert added.created_at == MONDAY
    assert found == added


async def test_add_duplicate_name_rejected(database: Database) -> None:
    await database.projects.add("Atlas")

    with pytest.raises(PiperError, match="A project named 'atlas' already exists"):
        await database.projects.add("atlas")


@pytest.mark.parametrize(("name", "message"), [("   ", "empty"), ("x" * 201, "201 characters")])
async def test_invalid_name_rejected(database: Database, name: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        await database.projects.get_or_create(name)


async def test_get_or_create_reuses_existing(database: Database) -> None:
    first, first_created = await database.projects.get_or_create("Atlas")
    second, second_created = await database.projects.get_or_create("atlas")

    assert first_created
    assert not second_created
    assert second.id == first.id
    assert second.name == "Atlas"


async def test_get_unknown_id(database: Database) -> None:
    with pytest.raises(NotFoundError, match="No project with id 12"):
        await database.projects.get(12)


async def test_list_sorted_without_archived(database: Database) -> None:
    for name in ("zephyr", "Atlas", "Borealis"):
        await database.projects.add(name)
    await database.projects.archive("Borealis")

    active = [project.name for project in await database.projects.list()]
    everything = [project.name for project in await database.projects.list(include_archived=True)]

    assert active == ["Atlas", "zephyr"]
    assert everything == ["Atlas", "Borealis", "zephyr"]


async def test_set_default_moves_flag(database: Database) -> None:
    await database.projects.add("Atlas")
    await database.projects.add("Borealis")

    await database.projects.set_default("Atlas")
    await database.projects.set_default("borealis")

    default = await database.projects.default()
    atlas = await database.projects.find("Atlas")
    assert default is not None
    assert default.name == "Borealis"
    assert atlas is not None
    assert not atlas.is_default


async def test_archive_clears_default(database: Database) -> None:
    await database.projects.add("Atlas")
    await database.projects.set_default("Atlas")

    archived = await database.projects.archive("Atlas")

    assert archived.archived
    assert not archived.is_default
    assert await database.projects.default() is None


async def test_archived_project_cannot_be_default(database: Database) -> None:
    await database.projects.add("Atlas")
    await database.projects.archive("Atlas")

    with pytest.raises(PiperError, match="archived"):
        await database.projects.set_default("Atlas")


async def test_unknown_name_not_found(database: Database) -> None:
    with pytest.raises(NotFoundError, match="No project named 'Nowhere'"):
        await database.projects.archive("Nowhere")


async def test_project_deletion_keeps_todos(database: Database) -> None:
    from sqlalchemy import text

    project = await database.projects.add("Atlas")
    todo = await database.todos.add("Survives", project_id=project.id)
    async with database.session() as session:
        await session.execute(text("DELETE FROM projects WHERE id = :id"), {"id": project.id})

    assert (await database.todos.get(todo.id)).project is None
