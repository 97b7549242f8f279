"""The top priority: open todos ranked by priority and due date, with blocked work listed apart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from piper.domain.todo import Priority, Todo, TodoStatus
from piper.queries.model import QueryAnswer, QueryContext
from piper.queries.todos import todo_line

PRIORITY_POINTS = {Priority.URGENT: 40, Priority.HIGH: 30, Priority.MEDIUM: 20, Priority.LOW: 10}
"""Points for each priority; one priority step outweighs any due-date bonus below."""

OVERDUE_POINTS = 8
DUE_TODAY_POINTS = 6
DUE_SOON_POINTS = 3
DUE_SOON_DAYS = 3
"""A todo due within this many days (after today) counts as due soon."""

RANKED_SHOWN = 5


@dataclass(frozen=True, slots=True)
class RankedTodo:
    todo: Todo
    score: int
    reasons: tuple[str, ...]


def rank_todos(todos: list[Todo], today: dt.date) -> list[RankedTodo]:
    """Rank open todos: priority points plus a bonus for overdue, due today or due soon; ties keep the input order."""
    ranked = []
    for todo in todos:
        score = PRIORITY_POINTS[todo.priority]
        reasons = [f"{todo.priority.value} priority"]
        if todo.due is not None:
            days = (todo.due - today).days
            if days < 0:
                score += OVERDUE_POINTS
                reasons.append(f"overdue by {-days} day{'s' if days != -1 else ''}")
            elif days == 0:
                score += DUE_TODAY_POINTS
                reasons.append("due today")
            elif days <= DUE_SOON_DAYS:
                score += DUE_SOON_POINTS
                reasons.append(f"due in {days} day{'s' if days != 1 else ''}")
        ranked.append(RankedTodo(todo, score, tuple(reasons)))
    return sorted(ranked, key=lambda item: -item.score)


async def get_top_priority(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    todos = await context.database.todos.list()
    open_todos = [todo for todo in todos if todo.status is TodoStatus.OPEN]
    blocked = [todo for todo in todos if todo.status is TodoStatus.BLOCKED]
    ranked = rank_todos(open_todos, context.now.date())

    result = {
        "ranking": [{"todo": item.todo.to_json(), "score": item.score, "reasons": list(item.reasons)} for item in ranked],
        "blocked": [todo.to_json() for todo in blocked],
    }
    if not ranked and not blocked:
        return QueryAnswer("You have no open todos, so nothing is waiting on you in Piper.", result)

    lines: list[str] = []
    if ranked:
        top = ranked[0]
        lines.append(f"Your top priority: **#{top.todo.id} {top.todo.text}** ({', '.join(top.reasons)}).")
        if len(ranked) > 1:
            lines.extend(["", "Next:"])
            lines.extend(f"{todo_line(item.todo)} - {', '.join(item.reasons)}" for item in ranked[1:RANKED_SHOWN])
        lines.extend([
            "",
            "Ranked by priority first (urgent, high, medium, low), then overdue, due today or due within "
            f"{DUE_SOON_DAYS} days, then the order you added them.",
        ])
    else:
        lines.append("Every open todo is blocked.")
    if blocked:
        lines.extend(["", f"Blocked ({len(blocked)}), to unblock before they can move:", *(todo_line(todo) for todo in blocked)])
    return QueryAnswer("\n".join(lines), result)
