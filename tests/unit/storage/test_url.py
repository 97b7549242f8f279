"""Tests for resolving the database URL and masking its password."""

from __future__ import annotations

from pathlib import Path

import pytest

from piper.errors import ConfigError
from piper.storage.url import mask_password, resolve_location


def test_default_is_sqlite_in_data_dir(isolated_environment: Path) -> None:
    location = resolve_location()

    assert location.backend == "sqlite"
    assert location.is_default
    assert location.path == isolated_environment / "data" / "piper.db"
    assert location.url.drivername == "sqlite+aiosqlite"


def test_environment_variable_overrides_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPER_DATABASE_URL", "postgresql+asyncpg://piper:hunter2@db.example:5432/piper")

    location = resolve_location()

    assert location.backend == "postgresql"
    assert not location.is_default
    assert location.path is None
    assert location.display == "postgresql+asyncpg://piper:***@db.example:5432/piper"
    assert location.url.password == "hunter2"


def test_argument_overrides_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PIPER_DATABASE_URL", "postgresql+asyncpg://piper@db.example/piper")

    location = resolve_location(f"sqlite+aiosqlite:///{tmp_path}/other.db")

    assert location.path == tmp_path / "other.db"


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:////tmp/piper.db", "sqlite+aiosqlite"),
        ("postgresql://piper@localhost/piper", "postgresql+asyncpg"),
        ("postgres://piper@localhost/piper", "postgresql+asyncpg"),
    ],
)
def test_plain_urls_get_async_driver(url: str, driver: str) -> None:
    assert resolve_location(url).url.drivername == driver


def test_relative_sqlite_path_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)

    assert resolve_location("sqlite:///relative/piper.db").path == tmp_path / "relative" / "piper.db"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root:pw@localhost/piper", "Unsupported database 'mysql'"),
        ("not a url", "Invalid database URL"),
        ("sqlite+aiosqlite://", "In-memory SQLite"),
        ("sqlite+aiosqlite:///:memory:", "In-memory SQLite"),
    ],
)
def test_rejected_urls(url: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve_location(url)

    assert message in raised.value.message
    assert "pw" not in raised.value.message


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://bob:s3cret@host/db", "postgresql://bob:***@host/db"),
        ("postgresql://bob@host/db", "postgresql://bob@host/db"),
        ("weird://user:p@ss:word@host", "weird://user:***@host"),
    ],
)
def test_mask_password(url: str, masked: str) -> None:
    assert mask_password(url) == masked
