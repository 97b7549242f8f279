"""The rules stage: what it decides alone, and what it leaves to the model."""

from __future__ import annotations

import time

import pytest

from piper.domain.intent import Action
from piper.intent.rules import match_rules
from piper.intent.text import normalize, strip_greeting


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("hello", Action.GREETING),
        ("analyze docs/sales.csv", Action.ANALYZE_DOCUMENT),
        ("summarize ~/notes/retro.md please", Action.SUMMARIZE_DOCUMENT),
        ("publish /tmp/launch-plan.md to notion", Action.PUBLISH_DOCUMENT),
        ("Good morning, Piper!", Action.GREETING),
        ("hi piper :)", Action.GREETING),
        ("bye!", Action.FAREWELL),
        ("see you tomorrow", Action.FAREWELL),
        ("thanks a lot", Action.THANKS),
        ("great, thank you!", Action.THANKS),
        ("help", Action.GET_CAPABILITIES),
        ("what time is it?", Action.GET_CURRENT_TIME),
        ("close #42", Action.CLOSE_ISSUE),
        ("resolve issue 17 please", Action.CLOSE_ISSUE),
        ("comment on #9 that it shipped", Action.COMMENT_ISSUE),
        ("analyze #42", Action.ANALYZE_ISSUE),
        ("update #3 with the logs", Action.UPDATE_ISSUE),
        ("show #42", Action.GET_ISSUE),
        ("add a todo to review the Q3 roadmap", Action.CREATE_TODO),
        ("create a high priority todo: call legal", Action.CREATE_TODO),
        ("todo: buy milk", Action.CREATE_TODO),
        ("remind me to ping Sam", Action.CREATE_TODO),
        ("todos", Action.LIST_TODOS),
        ("projects", Action.LIST_PROJECTS),
    ],
)
def test_rules_match(text: str, action: Action) -> None:
    rule = match_rules(strip_greeting(normalize(text)))

    assert rule is not None, text
    assert rule.action is action


@pytest.mark.parametrize(
    "text",
    [
        "hello, can you list my todos",
        "thanks, now close the export bug",
        "add the todo list to the wiki",
        "what's on my todo list",
        "why did we close #42",
        "who closed issue 7",
    ],
)
def test_rules_leave_ambiguous_text(text: str) -> None:
    assert match_rules(strip_greeting(normalize(text))) is None


def test_strip_greeting_before_request() -> None:
    assert strip_greeting("hi! file a bug in acme/web about the export") == "file a bug in acme/web about the export"
    assert strip_greeting("Good morning Piper, what's blocking Atlas?") == "what's blocking Atlas?"
    assert strip_greeting("hello piper!") == "hello piper!"
    assert strip_greeting("hey :)") == "hey :)"


def test_rules_take_under_a_millisecond() -> None:
    texts = ["hello", "close #42", "add a todo to call Sam", "what's blocking the Atlas launch next week?"] * 250

    started = time.perf_counter()
    for text in texts:
        match_rules(text)
    per_message = (time.perf_counter() - started) / len(texts)

    assert per_message < 0.001, f"{per_message * 1e6:.0f} µs per message"
