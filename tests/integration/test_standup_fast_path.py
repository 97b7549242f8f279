"""`piper standup` with the sqlite3 fast path: no SQLAlchemy import, the same history, the same errors.

The subprocess tests run ``python -X importtime -m piper`` and read the list
of imported modules from its stderr.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from piper.storage import fast_sqlite
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.gitrepo import GitRepo


def database_path(home: Path) -> Path:
    return home / "data" / "piper.db"


def run_in_subprocess(*arguments: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``python -X importtime -m piper ARGS`` and return the process and the names of the modules it imported."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "piper", *arguments],
        cwd=cwd,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in completed.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return completed, modules


def imports_sqlalchemy(modules: set[str]) -> bool:
    return any(name == "sqlalchemy" or name.startswith("sqlalchemy.") for name in modules)


def add_todos(run_piper: Runner) -> None:
    for arguments in (
        ("Fix the export", "--priority", "urgent", "--due", "2026-03-10", "--project", "Atlas"),
        ("Sign the contract",),
        ("Tidy the wiki", "--priority", "low"),
    ):
        assert run_piper("todo", "add", *arguments).exit_code == 0
    assert run_piper("todo", "block", "2", "--reason", "waiting for legal").exit_code == 0


def warnings_in(stderr: str) -> list[str]:
    """Return the logged warnings without their timestamps."""
    return [line.split(" WARNING ", 1)[1] for line in stderr.splitlines() if " WARNING " in line]


def standup_data(run_piper: Runner, *arguments: str) -> dict[str, Any]:
    result = run_piper("standup", "--source", "todos", "--json", *arguments)
    assert result.exit_code == 0, result.stderr
    return result.json()["data"]


def test_standup_skips_sqlalchemy(run_piper: Runner, isolated_environment: Path, tmp_path: Path) -> None:
    add_todos(run_piper)

    completed, modules = run_in_subprocess("standup", "--source", "todos", "--json", cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "piper.storage.fast_sqlite" in modules
    assert not imports_sqlalchemy(modules)
    data = json.loads(completed.stdout)["data"]
    assert [item["title"] for item in data["today_priorities"]] == [
        "Fix the export (urgent, due 2026-03-10, project Atlas)",
        "Tidy the wiki",
    ]
    assert [item["title"] for item in data["blockers"]] == ["Sign the contract (blocked: waiting for legal)"]

    history = run_piper("standup", "--history", "--json")
    assert history.exit_code == 0, history.stderr
    runs = history.json()["data"]["runs"]
    assert [run["id"] for run in runs] == [1]
    assert runs[0]["counts"] == {"yesterday": 0, "today": 2, "blockers": 1}
    shown_run = run_piper("standup", "--show", "1", "--json")
    assert shown_run.exit_code == 0, shown_run.stderr
    assert shown_run.json()["data"] == data


def test_scan_skips_sqlalchemy(run_piper: Runner, isolated_environment: Path, tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "corpus" / "web")
    repo.commit("Fix the export", dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    add_todos(run_piper)

    completed, modules = run_in_subprocess(
        "standup", "--scan", str(tmp_path / "corpus"), "--depth", "1", "--author", "all", "--json", cwd=tmp_path
    )

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert not imports_sqlalchemy(modules)
    data = json.loads(completed.stdout)["data"]
    assert data["sources"]["git"]["status"] == "ok"
    assert data["sources"]["todos"]["status"] == "ok"
    assert len(run_piper("standup", "--history", "--json").json()["data"]["runs"]) == 1


def test_new_database_uses_sqlalchemy(isolated_environment: Path, tmp_path: Path) -> None:
    from piper.storage.migrations import HEAD_REVISION

    completed, modules = run_in_subprocess("standup", "--source", "todos", "--json", cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert imports_sqlalchemy(modules)
    with sqlite3.connect(database_path(isolated_environment)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]
        assert connection.execute("SELECT id FROM standup_runs").fetchall() == [(1,)]


def test_fast_and_slow_runs_show_alike(
    run_piper: Runner, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_todos(run_piper)
    arguments = ("--date", "2026-03-09", "--until", "2026-03-09T09:12:03+05:30")

    fast = standup_data(run_piper, *arguments)
    monkeypatch.setattr(fast_sqlite, "database_file", lambda url=None: None)
    slow = standup_data(run_piper, *arguments)

    assert fast == slow
    shown_reports = [run_piper("standup", "--show", run_id, "--json").json()["data"] for run_id in ("1", "2")]
    assert shown_reports == [fast, slow]
    with sqlite3.connect(database_path(isolated_environment)) as connection:
        rows = connection.execute(
            "SELECT date, window_since, window_until, authors, yesterday_count, today_count, blockers_count, report "
            "FROM standup_runs ORDER BY id"
        ).fetchall()
    assert rows[0] == rows[1]


def write_text_file(path: Path) -> None:
    path.write_bytes(b"this is a text file, not a database\n" * 50)


def overwrite_schema_pages(path: Path) -> None:
    """Overwrite pages 2 to 9, which hold alembic_version and the first tables, so the revision check fails."""
    overwrite_pages(path, first_page=2)


def overwrite_todo_pages(path: Path) -> None:
    """Overwrite 8 pages of todo rows, so the revision check passes and the todo query fails.

    The rows follow the root pages of every table and index, so the first
    damaged page is 7 past the last root page, wherever later migrations move it.
    """
    overwrite_pages(path, first_page=None)


def overwrite_pages(path: Path, *, first_page: int | None) -> None:
    import asyncio

    from piper.storage import open_database

    async def fill() -> None:
        async with open_database(f"sqlite:///{path}") as db:
            await db.todos.add_many(f"todo number {number} " + "x" * 200 for number in range(500))

    asyncio.run(fill())
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if first_page is None:
            first_page = connection.execute("SELECT max(rootpage) FROM sqlite_master").fetchone()[0] + 7
    with path.open("r+b") as file:
        file.seek(4096 * (first_page - 1))
        file.write(b"\xff" * 4096 * 8)


# With only todo pages damaged, the standup_runs table still accepts the run on both paths.
@pytest.mark.parametrize(
    ("damage", "problem", "saved"),
    [
        (write_text_file, "(no SQLite header)", False),
        (overwrite_schema_pages, "(database disk image is malformed)", False),
        (overwrite_todo_pages, "(database disk image is malformed)", True),
    ],
)
def test_damaged_database_same_error(
    run_piper: Runner,
    isolated_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: Any,
    problem: str,
    saved: bool,
) -> None:
    path = database_path(isolated_environment)
    path.parent.mkdir(parents=True)
    damage(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    fast = run_piper("standup", "--source", "todos", "--json")
    monkeypatch.setattr(fast_sqlite, "database_file", lambda url=None: None)
    slow = run_piper("standup", "--source", "todos", "--json")

    assert fast.exit_code == slow.exit_code == 0
    fast_source = fast.json()["data"]["sources"]["todos"]
    assert fast_source["status"] == "error"
    assert f"is damaged or is not a SQLite database {problem}" in fast_source["reason"]
    assert fast_source == slow.json()["data"]["sources"]["todos"]
    assert any("standup not saved to the history" in warning for warning in warnings_in(fast.stderr)) is not saved
    assert warnings_in(fast.stderr) == warnings_in(slow.stderr)
    if not saved:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_locked_database_same_warning(
    run_piper: Runner, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_todos(run_piper)
    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", "0.2")

    with sqlite3.connect(database_path(isolated_environment), isolation_level=None) as writer:
        writer.execute("BEGIN IMMEDIATE")
        fast = run_piper("standup", "--source", "todos", "--json")
        monkeypatch.setattr(fast_sqlite, "database_file", lambda url=None: None)
        slow = run_piper("standup", "--source", "todos", "--json")
        writer.execute("ROLLBACK")

    assert fast.exit_code == slow.exit_code == 0
    assert fast.json()["data"]["sources"]["todos"]["status"] == "ok"
    assert "is locked by another process; gave up after waiting 0.2 s" in fast.error_text
    assert warnings_in(fast.stderr) == warnings_in(slow.stderr)
    assert run_piper("standup", "--history", "--json").json()["data"]["runs"] == []


@pytest.mark.postgres
def test_postgres_uses_sqlalchemy(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from tests.postgres import create_postgres_database, drop_postgres_database

    url = asyncio.run(create_postgres_database())
    try:
        monkeypatch.setenv("PIPER_DATABASE_URL", url)
        add_todos(run_piper)

        data = standup_data(run_piper)
        runs = run_piper("standup", "--history", "--json").json()["data"]["runs"]
        shown_report = run_piper("standup", "--show", str(runs[0]["id"]), "--json").json()["data"]
    finally:
        asyncio.run(drop_postgres_database(url))

    assert fast_sqlite.database_file() is None
    assert [item["title"] for item in data["blockers"]] == ["Sign the contract (blocked: waiting for legal)"]
    assert len(runs) == 1
    assert shown_report == data
