"""Tests for `piper todo`, run through the real entry point on a real database."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture

TODO_KEYS = ["id", "text", "priority", "status", "due", "project", "created_at", "completed_at"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point PIPER_DATABASE_URL at a fresh PostgreSQL database, or leave the default SQLite file."""
    if request.param == "postgresql":
        import asyncio

        from tests.postgres import create_postgres_database, drop_postgres_database

        url = asyncio.run(create_postgres_database())
        monkeypatch.setenv("PIPER_DATABASE_URL", url)
        request.addfinalizer(lambda: asyncio.run(drop_postgres_database(url)))
    return request.param


def add(run_piper: Runner, *arguments: str) -> dict:
    result = run_piper("todo", "add", *arguments, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["data"]


def test_add_json_shape(run_piper: Runner, backend: str) -> None:
    result = run_piper("todo", "add", "Write the launch plan", "--priority", "high", "--due", "2026-03-10", "--json")

    data = result.json()["data"]
    assert result.exit_code == 0
    assert result.json()["status"] == "success"
    assert list(data) == TODO_KEYS
    assert data["text"] == "Write the launch plan"
    assert data["priority"] == "high"
    assert data["status"] == "open"
    assert data["due"] == "2026-03-10"
    assert data["project"] is None
    assert data["completed_at"] is None
    assert dt.datetime.fromisoformat(data["created_at"]).utcoffset() == dt.timedelta(0)


def test_add_human_output(run_piper: Runner) -> None:
    result = run_piper("todo", "add", "Call the vendor")

    assert result.exit_code == 0
    assert result.stdout == "Added todo 1: Call the vendor\n"


def test_add_new_project_says_so(run_piper: Runner, backend: str) -> None:
    first = run_piper("todo", "add", "Review the spec", "--project", "Atlas", "--json")
    second = run_piper("todo", "add", "Plan the launch", "--project", "atlas", "--json")
    human = run_piper("todo", "add", "Book the room", "--project", "Borealis")

    assert first.json()["data"]["project"] == "Atlas"
    assert first.stderr == "Created project 'Atlas'.\n"
    assert second.json()["data"]["project"] == "Atlas"
    assert second.stderr == ""
    assert human.stdout == "Created project 'Borealis'.\nAdded todo 3: Book the room\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["   "], "The todo text is empty."),
        (["Plan", "--due", "someday"], "Invalid due date 'someday'."),
        (["Plan", "--due", "2026-02-30"], "Invalid due date '2026-02-30'."),
        (["Plan", "--project", "  "], "The project name is empty."),
    ],
)
def test_add_rejects_input(run_piper: Runner, arguments: list[str], message: str) -> None:
    human = run_piper("todo", "add", *arguments)
    as_json = run_piper("todo", "add", *arguments, "--json")

    assert human.exit_code == 2
    assert message in human.error_text
    assert as_json.exit_code == 2
    assert as_json.json()["status"] == "error"
    assert as_json.json()["error"] == message
    assert run_piper("todo", "list", "--json").json()["data"]["todos"] == []


def test_add_rejects_bad_priority(run_piper: Runner) -> None:
    human = run_piper("todo", "add", "Plan", "--priority", "whenever")
    as_json = run_piper("todo", "add", "Plan", "--priority", "whenever", "--json")

    assert human.exit_code == 2
    assert "whenever" in human.error_text
    assert as_json.exit_code == 2
    assert as_json.json()["status"] == "error"


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_due_words_use_configured_zone(run_piper: Runner, isolated_environment: Path, zone: str) -> None:
    from zoneinfo import ZoneInfo

    config = isolated_environment / "config" / "PIPER.user.md"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"# Settings\n\n```yaml\nidentity:\n  timezone: {zone}\n```\n", encoding="utf-8")
    today = dt.datetime.now(ZoneInfo(zone)).date()

    data = add(run_piper, "Tomorrow's thing", "--due", "tomorrow")

    assert data["due"] == (today + dt.timedelta(days=1)).isoformat()


def test_list_sorted_and_filtered(run_piper: Runner, backend: str) -> None:
    low = add(run_piper, "low", "--priority", "low")
    late = add(run_piper, "medium late", "--due", "2099-12-31")
    soon = add(run_piper, "medium soon", "--due", "2099-01-01")
    urgent = add(run_piper, "urgent", "--priority", "URGENT")
    finished = add(run_piper, "finished", "--priority", "urgent")
    run_piper("todo", "done", str(finished["id"]))

    active = run_piper("todo", "list", "--json").json()["data"]["todos"]
    everything = run_piper("todo", "list", "--all", "--json").json()["data"]["todos"]

    assert [todo["id"] for todo in active] == [urgent["id"], soon["id"], late["id"], low["id"]]
    assert [todo["id"] for todo in everything][-1] == finished["id"]
    assert everything[-1]["status"] == "done"
    assert all(list(todo) == TODO_KEYS for todo in everything)


def test_list_plain_when_piped(run_piper: Runner) -> None:
    add(run_piper, "Write the spec", "--priority", "high", "--due", "2026-03-10", "--project", "Atlas")
    blocked = add(run_piper, "Sign the contract")
    run_piper("todo", "block", str(blocked["id"]), "--reason", "waiting for legal")

    result = run_piper("todo", "list")

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "1\topen\thigh\t2026-03-10\tAtlas\tWrite the spec",
        "2\tblocked\tmedium\t-\t-\tSign the contract (blocked: waiting for legal)",
    ]


def test_list_empty_message(run_piper: Runner) -> None:
    result = run_piper("todo", "list")

    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "No open todos.\n"


def test_done_block_reopen_rm(run_piper: Runner, backend: str) -> None:
    todo = add(run_piper, "Ship the release")
    identifier = str(todo["id"])

    blocked = run_piper("todo", "block", identifier, "--reason", "CI is red", "--json").json()["data"]
    done = run_piper("todo", "done", identifier, "--json").json()["data"]
    reopened = run_piper("todo", "reopen", identifier, "--json").json()["data"]
    removed = run_piper("todo", "rm", identifier, "--json").json()["data"]
    after = run_piper("todo", "list", "--all", "--json").json()["data"]["todos"]

    assert blocked["status"] == "blocked"
    assert done["status"] == "done"
    assert dt.datetime.fromisoformat(done["completed_at"]).utcoffset() == dt.timedelta(0)
    assert reopened["status"] == "open"
    assert reopened["completed_at"] is None
    assert removed["id"] == todo["id"]
    assert after == []


def test_human_messages(run_piper: Runner) -> None:
    add(run_piper, "Ship the release")

    blocked = run_piper("todo", "block", "1", "--reason", "CI is red")
    done = run_piper("todo", "done", "1")
    reopened = run_piper("todo", "reopen", "1")
    removed = run_piper("todo", "rm", "1")

    assert blocked.stdout == "Marked todo 1 blocked: Ship the release (CI is red)\n"
    assert done.stdout == "Marked todo 1 done: Ship the release\n"
    assert reopened.stdout == "Reopened todo 1: Ship the release\n"
    assert removed.stdout == "Removed todo 1: Ship the release\n"


@pytest.mark.parametrize("command", ["done", "block", "reopen", "rm"])
def test_unknown_id_exits_1(run_piper: Runner, command: str) -> None:
    human = run_piper("todo", command, "42")
    as_json = run_piper("todo", command, "42", "--json")

    assert human.exit_code == 1
    assert "No todo with id 42." in human.error_text
    assert as_json.exit_code == 1
    assert as_json.json() == {
        "status": "error",
        "error": "No todo with id 42.",
        "details": {"id": 42, "hint": "List the ids with: piper todo list --all"},
    }


def test_non_numeric_id_is_usage_error(run_piper: Runner) -> None:
    result = run_piper("todo", "done", "first")

    assert result.exit_code == 2


def test_done_twice_fails(run_piper: Runner) -> None:
    add(run_piper, "Ship the release")
    run_piper("todo", "done", "1")

    again = run_piper("todo", "done", "1", "--json")

    assert again.exit_code == 1
    assert again.json()["error"] == "Todo 1 is already done."
    assert again.json()["details"]["status"] == "done"


def test_block_done_todo_fails(run_piper: Runner) -> None:
    add(run_piper, "Ship the release")
    run_piper("todo", "done", "1")

    result = run_piper("todo", "block", "1")

    assert result.exit_code == 1
    assert "cannot be blocked" in result.error_text


def test_import_file(run_piper: Runner, tmp_path: Path, backend: str) -> None:
    source = tmp_path / "todos.txt"
    source.write_text("Call Bob\n\n  Draft the FAQ  \nReview the roadmap\n", encoding="utf-8")

    result = run_piper("todo", "import", str(source), "--project", "Atlas", "--priority", "high", "--json")
    listed = run_piper("todo", "list", "--json").json()["data"]["todos"]

    assert result.exit_code == 0
    assert result.json()["data"] == {"imported": 3, "project": "Atlas"}
    assert [todo["text"] for todo in listed] == ["Call Bob", "Draft the FAQ", "Review the roadmap"]
    assert {todo["project"] for todo in listed} == {"Atlas"}


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "File not found"), (b"\xff\xfe broken", "is not UTF-8 text")],
)
def test_import_rejects_file(run_piper: Runner, tmp_path: Path, content: bytes | None, message: str) -> None:
    source = tmp_path / "todos.txt"
    if content is not None:
        source.write_bytes(content)

    result = run_piper("todo", "import", str(source))

    assert result.exit_code == 2
    assert message in result.error_text


def test_table_on_terminal(tmp_path: Path) -> None:
    import pty

    environment = {**os.environ, "COLUMNS": "100"}
    subprocess.run([sys.executable, "-m", "piper", "todo", "add", "Write the spec", "--priority", "urgent"],
                   check=True, env=environment, capture_output=True)
    controller, terminal = pty.openpty()
    try:
        subprocess.run([sys.executable, "-m", "piper", "todo", "list"], stdout=terminal, check=True, env=environment)
        printed = os.read(controller, 65536).decode()
    finally:
        os.close(controller)
        os.close(terminal)

    assert "ID" in printed
    assert "Priority" in printed
    assert "Write the spec" in printed
    assert "\t" not in printed


def test_import_reports_stored_project_name(run_piper: Runner, tmp_path: Path) -> None:
    add(run_piper, "Existing", "--project", "Atlas")
    source = tmp_path / "todos.txt"
    source.write_text("One more\n", encoding="utf-8")

    result = run_piper("todo", "import", str(source), "--project", "ATLAS", "--json")

    assert result.json()["data"] == {"imported": 1, "project": "Atlas"}
    assert result.stderr == ""


def test_command_modules_skip_sqlalchemy() -> None:
    script = "import sys, piper.cli.app, piper.cli.todo, piper.cli.db; print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))"

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert "sqlalchemy" not in result.stdout
    assert "alembic" not in result.stdout


def test_error_keeps_emoji_codes_literal(run_piper: Runner) -> None:
    result = run_piper("todo", "import", "plan:smile:.md")

    assert result.exit_code != 0
    assert "plan:smile:.md" in result.stderr
