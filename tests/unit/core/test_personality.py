"""Tests for the personality profile applied to replies."""

from __future__ import annotations

import time

from piper.config import PersonalitySettings
from piper.messages.personality import apply_personality

WRITE_INTENT = {"action": "create_todo", "confidence": 0.99, "classifier": "rules"}
UNSURE_INTENT = {"action": "list_todos", "confidence": 0.41, "classifier": "embedding"}
PERFORMED = {"performed": True, "workflow": {"status": "completed"}}


def test_defaults_keep_write_plain() -> None:
    assert apply_personality("Added todo 1: x", WRITE_INTENT, PERFORMED, "w1", PersonalitySettings()) == "Added todo 1: x"


def test_unsure_reading_shown() -> None:
    message = apply_personality("You have no open todos.", UNSURE_INTENT, {"count": 0}, None, PersonalitySettings())

    assert "list your todos" in message
    assert "mark the" not in message
    assert "41% sure, by embedding" in message


def test_hidden_confidence_not_shown() -> None:
    profile = PersonalitySettings(confidence_display="hidden", action_orientation="low")

    assert apply_personality("None.", UNSURE_INTENT, {"count": 0}, None, profile) == "None."


def test_high_settings_add_lines() -> None:
    profile = PersonalitySettings(warmth="high", action_orientation="high", technical_depth="high")

    message = apply_personality("Added todo 1: x", WRITE_INTENT, PERFORMED, "w1", profile)

    assert message.startswith("Added todo 1: x\n\n")
    assert "Glad to help" in message
    assert "make it high priority" in message
    assert "_Workflow `w1`: completed._" in message


def test_personality_cost_per_reply() -> None:
    profile = PersonalitySettings(warmth="high", confidence_display="always", action_orientation="high", technical_depth="high")
    runs = 1000

    started = time.perf_counter()
    for _ in range(runs):
        apply_personality("Added todo 1: x", WRITE_INTENT, PERFORMED, "w1", profile)
    per_reply = (time.perf_counter() - started) / runs

    assert per_reply < 0.005
