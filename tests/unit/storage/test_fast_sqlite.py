"""Tests for the sqlite3 fast path: same todos and same stored runs as the SQLAlchemy code, on real files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from piper.domain.todo import Priority, Todo, TodoStatus, select_window_todos
from piper.storage import fast_sqlite, open_database
from piper.storage.migrations import HEAD_REVISION
from piper.storage.url import resolve_location

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")

# A window over a weekend that also spans the start of US daylight saving time (2026-03-08).
SINCE = dt.datetime(2026, 3, 6, 0, 0, tzinfo=BERLIN)
UNTIL = dt.datetime(2026, 3, 9, 9, 12, 3, 250_000, tzinfo=BERLIN)
BEFORE = SINCE - dt.timedelta(days=3)

COLUMNS = "date, window_since, window_until, authors, yesterday_count, today_count, blockers_count, report, generated_at"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def fill_todos(url: str) -> dict[str, int]:
    """Store todos in every state around the window and return their ids by name."""
    ids: dict[str, int] = {}
    async with open_database(url) as db:
        todos = db.todos
        atlas, _ = await db.projects.get_or_create("Atlas")
        beacon, _ = await db.projects.get_or_create("Beacon")

        async def add(name: str, text: str, **options: Any) -> int:
            options.setdefault("now", BEFORE)
            todo = await todos.add(text, **options)
            ids[name] = todo.id
            return todo.id

        await add("urgent_due", "Fix the export", priority=Priority.URGENT, due=dt.date(2026, 3, 10), project_id=atlas.id)
        await add("urgent_undated", "Call the bank", priority=Priority.URGENT)
        await add("high_later", "Draft the roadmap", priority=Priority.HIGH, due=dt.date(2026, 4, 1))
        await add("medium_due", "Review «Q2» pricing, \"final\"", due=dt.date(2026, 3, 12), project_id=beacon.id)
        await add("medium_same_due", "Read the survey", due=dt.date(2026, 3, 12))
        await add("low", "Tidy the wiki", priority=Priority.LOW)
        # Two todos with the same moment: the id breaks the tie.
        await add("twin_a", "Twin A", now=dt.datetime(2026, 3, 2, 9, 0, tzinfo=TOKYO))
        await add("twin_b", "Twin B", now=dt.datetime(2026, 3, 2, 9, 0, tzinfo=TOKYO))
        await add("late_in_window", "Created just before the end", now=UNTIL - dt.timedelta(microseconds=1))
        await add("at_until", "Created at the end", now=UNTIL)
        await add("after_until", "Created after the end", now=UNTIL + dt.timedelta(minutes=1))

        blocked_reason = await add("blocked_reason", "Sign the contract", priority=Priority.HIGH, project_id=atlas.id)
        await todos.block(blocked_reason, reason="waiting for legal", now=BEFORE)
        blocked_plain = await add("blocked_plain", "Wait for design")
        await todos.block(blocked_plain, now=BEFORE)
        blocked_late = await add("blocked_late", "Blocked but created later", now=UNTIL + dt.timedelta(hours=1))
        await todos.block(blocked_late, reason="later", now=UNTIL + dt.timedelta(hours=2))

        done_at_since = await add("done_at_since", "Done at the start", project_id=beacon.id)
        await todos.complete(done_at_since, now=SINCE)
        done_new_york = await add("done_new_york", "Done in New York")
        await todos.complete(done_new_york, now=dt.datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK))
        done_before = await add("done_before", "Done before the window")
        await todos.complete(done_before, now=SINCE - dt.timedelta(microseconds=1))
        done_at_until = await add("done_at_until", "Done at the end")
        await todos.complete(done_at_until, now=UNTIL)
        done_after = await add("done_after", "Done after the window")
        await todos.complete(done_after, now=UNTIL + dt.timedelta(days=1))
        reopened = await add("reopened", "Done, then reopened", priority=Priority.URGENT)
        await todos.complete(reopened, now=SINCE + dt.timedelta(hours=5))
        await todos.reopen(reopened, now=SINCE + dt.timedelta(hours=6))
    return ids


async def read_with_sqlalchemy(url: str) -> list[Todo]:
    async with open_database(url) as db, db.session(readonly=True) as session:
        from piper.storage import TodoRepository

        todos = TodoRepository(session)
        return await todos.completed_between(SINCE, UNTIL) + await todos.list(created_before=UNTIL)


def raw_rows(path: Path, table: str, columns: str) -> list[tuple[Any, ...]]:
    """Return every row of ``table`` as stored, with each value's SQLite storage class."""
    typed = ", ".join(f"{column}, typeof({column})" for column in columns.split(", "))
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT {typed} FROM {table} ORDER BY id").fetchall()


def make_report() -> dict[str, Any]:
    todo = {"source": "todos", "kind": "todo", "id": "7", "title": "Café «launch» (urgent, due 2026-03-10)",
            "repo": None, "url": None, "timestamp": "2026-03-06T14:30:00.123456+05:30"}
    commit = {"source": "git", "kind": "commit", "id": "a" * 40, "title": "Fix the export", "repo": "/src/web",
              "url": None, "timestamp": "2026-03-06T15:00:00-08:00"}
    return {
        "date": "2026-03-09",
        "window": {"since": "2026-03-06T00:00:00+05:30", "until": "2026-03-09T09:12:03.000250-08:00"},
        "authors": ["ada@example.com", "José Núñez"],
        "yesterday_accomplishments": [commit, commit],
        "today_priorities": [todo],
        "blockers": [],
        "sources": {"git": {"status": "ok", "repos": 2}, "todos": {"status": "ok", "done": 0, "open": 1, "blocked": 0}},
    }


GENERATED = dt.datetime(2026, 3, 9, 17, 12, 3, 987_654, tzinfo=TOKYO)


async def make_current_database(path: Path) -> None:
    async with open_database(sqlite_url(path)) as db:
        await db.todos.add("First", now=BEFORE)


# --- which URLs take the fast path ---


@pytest.mark.parametrize(
    "template",
    [
        "sqlite+aiosqlite:///{path}",
        "sqlite:///{path}",
        "sqlite:///{relative}",
        "sqlite+aiosqlite:///~/{home_relative}",
    ],
)
def test_database_file_matches_resolve_location(
    template: str, tmp_path: Path, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = isolated_environment / "odd @ #name" / "my data"
    folder.mkdir(parents=True)
    path = folder / "piper.db"
    path.touch()
    monkeypatch.chdir(isolated_environment)
    url = template.format(
        path=path,
        relative=path.relative_to(isolated_environment),
        home_relative=path.relative_to(isolated_environment),
    )

    assert fast_sqlite.database_file(url) == path
    assert resolve_location(url).path == path


def test_database_file_decodes_percent(tmp_path: Path) -> None:
    path = tmp_path / "my data" / "piper.db"
    path.parent.mkdir()
    path.touch()
    url = f"sqlite:///{tmp_path}/my%20data/piper.db"

    assert fast_sqlite.database_file(url) == path
    assert resolve_location(url).path == path


def test_database_file_default_and_environment(isolated_environment: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    default = isolated_environment / "data" / "piper.db"
    assert fast_sqlite.database_file() is None

    default.parent.mkdir(parents=True)
    default.touch()
    assert fast_sqlite.database_file() == default == resolve_location().path

    monkeypatch.setenv("PIPER_DATABASE_URL", "")
    assert fast_sqlite.database_file() == default

    other = tmp_path / "other.db"
    other.touch()
    monkeypatch.setenv("PIPER_DATABASE_URL", f"sqlite:///{other}")
    assert fast_sqlite.database_file() == other


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        "postgresql://piper:secret@localhost/piper",
        "sqlite+aiosqlite:///{path}?mode=ro",
        "sqlite:///{path}?timeout=1",
        "sqlite:///:memory:",
        "sqlite://",
        "sqlite:///",
        "SQLITE:///{path}",
        "mysql:///{path}",
        "sqlite:///{missing}",
        "sqlite:///{folder}",
    ],
)
def test_database_file_rejects(url: str, tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    path.touch()

    resolved = url.format(path=path, missing=tmp_path / "missing.db", folder=tmp_path)

    assert fast_sqlite.database_file(resolved) is None


# --- reading todos ---


async def test_read_todos_matches_sqlalchemy(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "piper.db")
    ids = await fill_todos(url)

    fast = await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL)
    slow = await read_with_sqlalchemy(url)

    assert fast is not None
    assert sorted(fast, key=lambda todo: todo.id) == sorted(slow, key=lambda todo: todo.id)
    assert select_window_todos(fast, since=SINCE, until=UNTIL) == select_window_todos(slow, since=SINCE, until=UNTIL)

    window = select_window_todos(fast, since=SINCE, until=UNTIL)
    names = {todo_id: name for name, todo_id in ids.items()}
    assert [names[todo.id] for todo in window.done] == ["done_at_since", "done_new_york"]
    assert [names[todo.id] for todo in window.open] == [
        "urgent_due",
        "urgent_undated",
        "reopened",
        "high_later",
        "medium_due",
        "medium_same_due",
        "twin_a",
        "twin_b",
        "late_in_window",
        "low",
    ]
    assert [names[todo.id] for todo in window.blocked] == ["blocked_reason", "blocked_plain"]


async def test_read_todos_decodes_every_field(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "piper.db")
    ids = await fill_todos(url)

    fast = await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL)

    assert fast is not None
    by_id = {todo.id: todo for todo in fast}
    urgent = by_id[ids["urgent_due"]]
    assert urgent.priority is Priority.URGENT
    assert urgent.status is TodoStatus.OPEN
    assert urgent.due == dt.date(2026, 3, 10)
    assert urgent.project == "Atlas"
    assert urgent.created_at == BEFORE
    assert urgent.created_at.tzinfo == dt.timezone.utc
    done = by_id[ids["done_new_york"]]
    assert done.completed_at == dt.datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)
    assert by_id[ids["blocked_reason"]].blocked_reason == "waiting for legal"
    assert by_id[ids["medium_due"]].text == "Review «Q2» pricing, \"final\""


async def test_domain_order_matches_repository_sql(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "piper.db")
    await fill_todos(url)
    async with open_database(url) as db:
        listed = await db.todos.list(statuses=list(TodoStatus))

    window = select_window_todos(listed, since=SINCE, until=dt.datetime.max.replace(tzinfo=dt.timezone.utc))

    assert window.open == [todo for todo in listed if todo.status is TodoStatus.OPEN]
    assert window.blocked == [todo for todo in listed if todo.status is TodoStatus.BLOCKED]


async def test_source_same_on_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piper.standup.model import StandupRequest
    from piper.standup.progress import NoProgress
    from piper.standup.sources.todos import TodoSource

    url = sqlite_url(tmp_path / "piper.db")
    await fill_todos(url)
    request = StandupRequest(date=dt.date(2026, 3, 9), since=SINCE, until=UNTIL, timezone=KOLKATA, authors=None)

    fast = await TodoSource(url).collect(request, NoProgress())
    monkeypatch.setattr(fast_sqlite, "database_file", lambda url=None: None)
    slow = await TodoSource(url).collect(request, NoProgress())

    assert fast.status == "ok"
    assert fast == slow
    assert fast.details == {"done": 2, "open": 10, "blocked": 2}
    assert fast.today[0].title == "Fix the export (urgent, due 2026-03-10, project Atlas)"
    assert fast.today[0].timestamp is not None
    assert fast.today[0].timestamp.tzinfo == KOLKATA


async def test_read_todos_sets_wal(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    await make_current_database(path)
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")

    fast = await fast_sqlite.read_todos(sqlite_url(path), since=SINCE, until=UNTIL)

    assert fast is not None
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE todos SET created_at = '2026-03-02T08:00:00' WHERE id = 1",
        "UPDATE todos SET created_at = '2026-03-02 08:00:00.000+01' WHERE id = 1",
    ],
)
async def test_unexpected_value_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    from piper.standup.model import StandupRequest
    from piper.standup.progress import NoProgress
    from piper.standup.sources.todos import TodoSource

    path = tmp_path / "piper.db"
    url = sqlite_url(path)
    await fill_todos(url)
    with sqlite3.connect(path) as connection:
        connection.execute(change)
    request = StandupRequest(date=dt.date(2026, 3, 9), since=SINCE, until=UNTIL, timezone=BERLIN, authors=None)

    fast = await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL)
    through_fast_path = await TodoSource(url).collect(request, NoProgress())
    monkeypatch.setattr(fast_sqlite, "database_file", lambda url=None: None)
    through_sqlalchemy = await TodoSource(url).collect(request, NoProgress())

    assert fast is None
    assert through_fast_path == through_sqlalchemy


async def test_non_text_date_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piper.standup.model import StandupRequest
    from piper.standup.progress import NoProgress
    from piper.standup.sources.todos import TodoSource

    path = tmp_path / "piper.db"
    url = sqlite_url(path)
    await fill_todos(url)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE todos SET due = 20260310 WHERE id = 1")
    request = StandupRequest(date=dt.date(2026, 3, 9), since=SINCE, until=UNTIL, timezone=BERLIN, authors=None)

    assert await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL) is None
    # Both paths end in SQLAlchemy's DATE result processor, which raises TypeError for an integer.
    with pytest.raises(TypeError):
        await TodoSource(url).collect(request, NoProgress())
    monkeypatch.setattr(fast_sqlite, "database_file", lambda url=None: None)
    with pytest.raises(TypeError):
        await TodoSource(url).collect(request, NoProgress())


# --- storing standup runs ---


async def test_saved_run_same_on_both_paths(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    url = sqlite_url(path)
    report = make_report()
    await make_current_database(path)

    fast_id = await fast_sqlite.save_standup_run(report, date=dt.date(2026, 3, 9), generated_at=GENERATED, url=url)
    async with open_database(url) as db:
        slow_id = await db.standups.save(report, date=dt.date(2026, 3, 9), generated_at=GENERATED)
        fast_run = await db.standups.get(fast_id)
        slow_run = await db.standups.get(slow_id)
        summaries = await db.standups.list_runs()

    assert fast_id == 1
    assert slow_id == 2
    fast_row, slow_row = raw_rows(path, "standup_runs", COLUMNS)
    assert fast_row == slow_row
    assert fast_run.report == report
    assert (fast_run.date, fast_run.since, fast_run.until, fast_run.authors, fast_run.generated_at, fast_run.counts) == (
        slow_run.date, slow_run.since, slow_run.until, slow_run.authors, slow_run.generated_at, slow_run.counts,
    )
    assert fast_run.generated_at == GENERATED
    assert fast_run.since == dt.datetime(2026, 3, 5, 18, 30, tzinfo=dt.timezone.utc)
    assert fast_run.counts == {"yesterday": 2, "today": 1, "blockers": 0}
    assert [summary.id for summary in summaries] == [2, 1]


async def test_saved_run_encodes_like_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    await make_current_database(path)

    await fast_sqlite.save_standup_run(make_report(), date=dt.date(2026, 3, 9), generated_at=GENERATED, url=sqlite_url(path))

    with sqlite3.connect(path) as connection:
        date, since, until, generated_at, authors = connection.execute(
            "SELECT date, window_since, window_until, generated_at, authors FROM standup_runs"
        ).fetchone()
    assert date == "2026-03-09"
    assert since == "2026-03-05 18:30:00.000000"
    assert until == "2026-03-09 17:12:03.000250"
    assert generated_at == "2026-03-09 08:12:03.987654"
    assert authors == '["ada@example.com", "Jos\\u00e9 N\\u00fa\\u00f1ez"]'


async def test_save_rejects_naive_datetime(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    await make_current_database(path)

    with pytest.raises(ValueError, match="generated_at: naive datetime"):
        await fast_sqlite.save_standup_run(
            make_report(), date=dt.date(2026, 3, 9), generated_at=dt.datetime(2026, 3, 9, 8), url=sqlite_url(path)
        )

    assert raw_rows(path, "standup_runs", COLUMNS) == []


# --- falling back to SQLAlchemy ---


async def test_missing_file_falls_back(tmp_path: Path) -> None:
    from piper.standup.model import StandupRequest
    from piper.standup.progress import NoProgress
    from piper.standup.sources.todos import TodoSource

    path = tmp_path / "piper.db"
    url = sqlite_url(path)

    assert await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL) is None
    assert await fast_sqlite.save_standup_run(make_report(), date=dt.date(2026, 3, 9), generated_at=GENERATED, url=url) is None
    assert not path.exists()

    request = StandupRequest(date=dt.date(2026, 3, 9), since=SINCE, until=UNTIL, timezone=BERLIN, authors=None)
    result = await TodoSource(url).collect(request, NoProgress())

    assert result.status == "ok"
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]


async def test_empty_file_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    path.touch()
    url = sqlite_url(path)

    assert await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL) is None

    async with open_database(url) as db:
        assert await db.todos.list() == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("UPDATE alembic_version SET version_num = '9999'", "newer"),
        ("DELETE FROM alembic_version", "schema revision is unknown"),
        ("DROP TABLE alembic_version", "schema revision is unknown"),
        ("INSERT INTO alembic_version VALUES ('0000')", "several schema revisions"),
    ],
)
async def test_other_revision_falls_back(tmp_path: Path, change: str, problem: str) -> None:
    from piper.errors import StorageError

    path = tmp_path / "piper.db"
    url = sqlite_url(path)
    await make_current_database(path)
    with sqlite3.connect(path) as connection:
        connection.execute(change)

    assert await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL) is None
    assert await fast_sqlite.save_standup_run(make_report(), date=dt.date(2026, 3, 9), generated_at=GENERATED, url=url) is None
    with pytest.raises(StorageError, match=problem):
        async with open_database(url):
            pass
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM standup_runs").fetchone() == (0,)


async def test_not_a_database_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    content = b"this is a text file, not a database\n" * 50
    path.write_bytes(content)
    url = sqlite_url(path)

    assert await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL) is None
    assert await fast_sqlite.save_standup_run(make_report(), date=dt.date(2026, 3, 9), generated_at=GENERATED, url=url) is None
    assert path.read_bytes() == content


async def test_damaged_database_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "piper.db"
    url = sqlite_url(path)
    async with open_database(url) as db:
        await db.todos.add_many(f"todo number {number} " + "x" * 200 for number in range(500))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as file:
        file.seek(4096)
        file.write(b"\xff" * 4096 * 8)

    assert await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL) is None


# --- locks and the busy timeout ---


async def storage_error_of(operation: Any) -> Any:
    from piper.errors import StorageError

    with pytest.raises(StorageError) as raised:
        await operation()
    return raised.value


async def test_locked_save_same_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    path = tmp_path / "piper.db"
    url = sqlite_url(path)
    await make_current_database(path)
    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", "0.3")

    async def save_fast() -> None:
        await fast_sqlite.save_standup_run(make_report(), date=dt.date(2026, 3, 9), generated_at=GENERATED, url=url)

    async def save_slow() -> None:
        async with open_database(url) as db:
            await db.standups.save(make_report(), date=dt.date(2026, 3, 9), generated_at=GENERATED)

    with sqlite3.connect(path, isolation_level=None) as writer:
        writer.execute("BEGIN IMMEDIATE")
        started = time.perf_counter()
        fast_error = await storage_error_of(save_fast)
        waited = time.perf_counter() - started
        slow_error = await storage_error_of(save_slow)
        writer.execute("ROLLBACK")

    assert "is locked by another process; gave up after waiting 0.3 s" in fast_error.message
    assert (fast_error.message, fast_error.hint, fast_error.details) == (
        slow_error.message, slow_error.hint, slow_error.details,
    )
    assert waited >= 0.3
    assert waited < 3
    assert raw_rows(path, "standup_runs", COLUMNS) == []


async def test_locked_read_same_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "piper.db"
    url = sqlite_url(path)
    await make_current_database(path)
    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", "0.2")

    async def read_fast() -> None:
        await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL)

    async def read_slow() -> None:
        await read_with_sqlalchemy(url)

    # In WAL mode a writer does not block readers, but a connection in exclusive locking mode does.
    with sqlite3.connect(path, isolation_level=None) as writer:
        writer.execute("PRAGMA locking_mode = EXCLUSIVE")
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE todos SET text = 'changed'")
        fast_error = await storage_error_of(read_fast)
        slow_error = await storage_error_of(read_slow)
        writer.execute("ROLLBACK")

    assert fast_error.details["problem"] == "locked"
    assert (fast_error.message, fast_error.hint, fast_error.details) == (
        slow_error.message, slow_error.hint, slow_error.details,
    )


async def test_invalid_busy_timeout_same_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piper.errors import ConfigError

    path = tmp_path / "piper.db"
    url = sqlite_url(path)
    await make_current_database(path)
    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", "soon")

    with pytest.raises(ConfigError) as fast_raised:
        await fast_sqlite.read_todos(url, since=SINCE, until=UNTIL)
    with pytest.raises(ConfigError) as slow_raised:
        await read_with_sqlalchemy(url)

    assert fast_raised.value.message == slow_raised.value.message == "Invalid PIPER_DATABASE_BUSY_TIMEOUT='soon'."
