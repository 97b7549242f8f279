"""Tests for `piper db status` and `piper db upgrade` through the real entry point."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from piper.storage.migrations import HEAD_REVISION
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture


def test_status_before_first_use(run_piper: Runner, isolated_environment: Path) -> None:
    path = isolated_environment / "data" / "piper.db"

    result = run_piper("db", "status", "--json")

    assert result.exit_code == 0
    assert result.json()["data"] == {
        "url": f"sqlite+aiosqlite:///{path}",
        "backend": "sqlite",
        "path": str(path),
        "exists": False,
        "revision": None,
        "head_revision": HEAD_REVISION,
        "up_to_date": False,
    }
    assert not path.exists()


def test_upgrade_then_status(run_piper: Runner, isolated_environment: Path) -> None:
    path = isolated_environment / "data" / "piper.db"

    upgraded = run_piper("db", "upgrade", "--json")
    again = run_piper("db", "upgrade")
    status = run_piper("db", "status")

    assert upgraded.exit_code == 0
    assert upgraded.json()["data"] == {
        "url": f"sqlite+aiosqlite:///{path}",
        "from_revision": None,
        "to_revision": HEAD_REVISION,
        "upgraded": True,
    }
    assert again.stdout == f"sqlite+aiosqlite:///{path} is up to date (revision {HEAD_REVISION}).\n"
    assert status.stdout.splitlines() == [
        f"Database:  sqlite+aiosqlite:///{path}",
        f"Revision:  {HEAD_REVISION} (up to date)",
    ]


def test_status_masks_postgres_password(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PIPER_DATABASE_URL", f"postgresql://piper:hunter2@127.0.0.1:{port}/piper")

    human = run_piper("db", "status")
    as_json = run_piper("db", "status", "--json")

    assert human.exit_code == 1
    assert "Cannot connect to the PostgreSQL server" in human.error_text
    assert f"postgresql+asyncpg://piper:***@127.0.0.1:{port}/piper" in human.error_text
    assert "hunter2" not in human.stdout + human.stderr
    assert as_json.exit_code == 1
    assert as_json.json()["status"] == "error"
    assert "hunter2" not in as_json.stdout


@pytest.mark.postgres
def test_status_of_postgres(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from tests.postgres import create_postgres_database, drop_postgres_database

    url = asyncio.run(create_postgres_database())
    monkeypatch.setenv("PIPER_DATABASE_URL", url)
    try:
        before = run_piper("db", "status", "--json").json()["data"]
        run_piper("db", "upgrade")
        after = run_piper("db", "status", "--json").json()["data"]
    finally:
        asyncio.run(drop_postgres_database(url))

    assert before["backend"] == "postgresql"
    assert before["path"] is None
    assert before["revision"] is None
    assert after["revision"] == HEAD_REVISION
    assert after["up_to_date"]


def test_invalid_url_is_reported(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPER_DATABASE_URL", "mysql://root:hunter2@localhost/piper")

    result = run_piper("db", "status", "--json")

    assert result.exit_code == 1
    assert "Unsupported database 'mysql'" in result.json()["error"]
    assert "hunter2" not in result.stdout
