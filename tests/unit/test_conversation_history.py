"""Tests for the conversation history sent to the conversation model."""

from __future__ import annotations

import datetime as dt

from piper.domain.conversation import Role, Turn
from piper.queries.conversation import HISTORY_TURNS, history_messages

NOW = dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.timezone.utc)


def turns_of(*roles_and_texts: tuple[Role, str]) -> list[Turn]:
    return [Turn("c1", index, role, text, None, None, NOW) for index, (role, text) in enumerate(roles_and_texts)]


def test_history_alternates_roles() -> None:
    turns = turns_of((Role.USER, "hi"), (Role.ASSISTANT, "Hello!"))

    assert history_messages(turns) == [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!"}]


def test_history_drops_leading_assistant() -> None:
    turns = turns_of((Role.ASSISTANT, "earlier"), (Role.USER, "hi"), (Role.ASSISTANT, "Hello!"))

    assert history_messages(turns)[0] == {"role": "user", "content": "hi"}


def test_history_joins_repeated_role() -> None:
    turns = turns_of((Role.USER, "one"), (Role.USER, "two"), (Role.ASSISTANT, "ok"))

    assert history_messages(turns)[0] == {"role": "user", "content": "one\n\ntwo"}


def test_history_drops_trailing_user() -> None:
    turns = turns_of((Role.USER, "hi"), (Role.ASSISTANT, "Hello!"), (Role.USER, "unanswered"))

    assert history_messages(turns)[-1] == {"role": "assistant", "content": "Hello!"}


def test_history_keeps_last_turns() -> None:
    pairs = [(Role.USER if index % 2 == 0 else Role.ASSISTANT, f"turn {index}") for index in range(30)]

    messages = history_messages(turns_of(*pairs))

    assert len(messages) == HISTORY_TURNS
    assert messages[-1]["content"] == "turn 29"
