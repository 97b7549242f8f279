"""Tests for the migrations: revision list, schema against the models, packaging and lazy Alembic."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

from sqlalchemy import text

from piper.storage import Database
from piper.storage.migrate import MIGRATIONS_FOLDER, alembic_config
from piper.storage.migrations import HEAD_REVISION, REVISIONS
from piper.storage.models import Base

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]


def alembic_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def test_revisions_constant_matches_scripts() -> None:
    assert list(REVISIONS) == alembic_revisions()


def test_head_revision_is_alembic_head() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [HEAD_REVISION]


def test_file_names_start_with_revision() -> None:
    files = sorted(path.name for path in (MIGRATIONS_FOLDER / "versions").glob("*.py"))

    assert [name.split("_", 1)[0] for name in files] == list(REVISIONS)


async def test_migrated_schema_matches_models(database: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def differences(connection):  # noqa: ANN001, ANN202 - sync connection, alembic diff list
        context = MigrationContext.configure(connection, opts={"compare_server_default": True})
        return compare_metadata(context, Base.metadata)

    async with database.engine.connect() as connection:
        found = await connection.run_sync(differences)

    assert found == []


async def test_new_database_at_head(database: Database) -> None:
    async with database.session(readonly=True) as session:
        stored = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()

    assert stored == [HEAD_REVISION]


def test_migrations_ship_as_package_data() -> None:
    settings = tomllib.loads((REPOSITORY_ROOT / "pyproject.toml").read_text())
    patterns = settings["tool"]["setuptools"]["package-data"]["piper"]
    package_root = REPOSITORY_ROOT / "piper"

    shipped = [
        path
        for path in MIGRATIONS_FOLDER.rglob("*.py")
        if "__pycache__" not in path.parts
        and any(fnmatch.fnmatch(path.relative_to(package_root).as_posix(), pattern) for pattern in patterns)
    ]

    assert sorted(path.name for path in shipped) == sorted(
        path.name for path in MIGRATIONS_FOLDER.rglob("*.py") if "__pycache__" not in path.parts
    )


def test_current_database_opens_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'piper.db'}"
    script = (
        "import asyncio, sys\n"
        "from piper.storage import open_database\n"
        "async def main():\n"
        f"    async with open_database({url!r}) as db:\n"
        "        await db.todos.list()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )

    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert first.stdout.strip() == "True"
    assert second.stdout.strip() == "False"
