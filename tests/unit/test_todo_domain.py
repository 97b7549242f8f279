"""Tests for the todo domain model: priorities, due dates, status changes and the JSON shape."""

from __future__ import annotations

import datetime as dt

import pytest

from piper.domain.todo import (
    Priority,
    Todo,
    TodoStateError,
    TodoStatus,
    check_transition,
    normalize_text,
    parse_due_date,
)
from piper.errors import UsageError

FRIDAY = dt.date(2026, 3, 6)
CREATED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)


def make_todo(status: TodoStatus = TodoStatus.OPEN, **changes: object) -> Todo:
    values: dict[str, object] = {
        "id": 7,
        "text": "Write the launch plan",
        "priority": Priority.HIGH,
        "status": status,
        "due": dt.date(2026, 3, 10),
        "project": "Atlas",
        "blocked_reason": None,
        "created_at": CREATED,
        "updated_at": CREATED,
        "completed_at": CREATED + dt.timedelta(days=1) if status is TodoStatus.DONE else None,
    }
    values.update(changes)
    return Todo(**values)  # type: ignore[arg-type]


def test_priority_rank_orders_urgent_first() -> None:
    ranked = sorted(Priority, key=lambda priority: priority.rank)

    assert ranked == [Priority.URGENT, Priority.HIGH, Priority.MEDIUM, Priority.LOW]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-20", dt.date(2026, 3, 20)),
        ("today", FRIDAY),
        ("Today", FRIDAY),
        ("tomorrow", dt.date(2026, 3, 7)),
        ("monday", dt.date(2026, 3, 9)),
        ("mon", dt.date(2026, 3, 9)),
        ("THU", dt.date(2026, 3, 12)),
        ("saturday", dt.date(2026, 3, 7)),
        ("friday", dt.date(2026, 3, 13)),
        ("  2026-01-31 ", dt.date(2026, 1, 31)),
    ],
)
def test_parse_due_date_accepted_forms(text: str, expected: dt.date) -> None:
    assert parse_due_date(text, today=FRIDAY) == expected


@pytest.mark.parametrize("text", ["", "next week", "2026-02-30", "31/01/2026", "fr", "someday"])
def test_parse_due_date_rejects_value(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_due_date(text, today=FRIDAY)

    assert repr(text) in raised.value.message
    assert "YYYY-MM-DD" in (raised.value.hint or "")


def test_normalize_text_strips_whitespace() -> None:
    assert normalize_text("  Call the vendor \n") == "Call the vendor"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_normalize_text_rejects_blank(text: str) -> None:
    with pytest.raises(UsageError, match="empty"):
        normalize_text(text)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (TodoStatus.OPEN, TodoStatus.DONE),
        (TodoStatus.BLOCKED, TodoStatus.DONE),
        (TodoStatus.OPEN, TodoStatus.BLOCKED),
        (TodoStatus.BLOCKED, TodoStatus.BLOCKED),
        (TodoStatus.DONE, TodoStatus.OPEN),
        (TodoStatus.BLOCKED, TodoStatus.OPEN),
    ],
)
def test_check_transition_allows(current: TodoStatus, target: TodoStatus) -> None:
    check_transition(make_todo(current), target)


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (TodoStatus.DONE, TodoStatus.DONE, "Todo 7 is already done."),
        (TodoStatus.DONE, TodoStatus.BLOCKED, "Todo 7 is done, so it cannot be blocked."),
        (TodoStatus.OPEN, TodoStatus.OPEN, "Todo 7 is already open."),
    ],
)
def test_check_transition_rejects(current: TodoStatus, target: TodoStatus, message: str) -> None:
    with pytest.raises(TodoStateError) as raised:
        check_transition(make_todo(current), target)

    assert raised.value.message == message
    assert raised.value.exit_code == 1
    assert raised.value.details == {"id": 7, "status": current.value, "requested_status": target.value}


def test_todo_json_has_exactly_contract_keys() -> None:
    data = make_todo(TodoStatus.DONE, blocked_reason="ignored").to_json()

    assert list(data) == ["id", "text", "priority", "status", "due", "project", "created_at", "completed_at"]
    assert data["priority"] == "high"
    assert data["status"] == "done"
    assert data["due"] == "2026-03-10"
    assert data["created_at"] == "2026-03-02T09:30:00+00:00"
    assert data["completed_at"] == "2026-03-03T09:30:00+00:00"


def test_todo_json_nulls_for_missing_values() -> None:
    data = make_todo(due=None, project=None).to_json()

    assert data["due"] is None
    assert data["project"] is None
    assert data["completed_at"] is None


def test_normalize_text_one_line():
    assert normalize_text("\ufeffcall\tthe\nvendor \x07 now ") == "call the vendor now"


def test_normalize_text_rejects_overlong():
    with pytest.raises(UsageError, match="limit is 1000"):
        normalize_text("x" * 1001)
    assert normalize_text("x" * 1000) == "x" * 1000
