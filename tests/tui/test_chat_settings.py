"""Tests for the ``chat:`` settings: the theme, the keys, their errors and their documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from piper.config import ChatSettings, parse_settings
from piper.errors import ConfigError
from piper.tui.options import ACTIONS, THEMES, key_problem

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
PATH = Path("/config/PIPER.user.md")


def parse_error(yaml: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_settings(f"```yaml\n{yaml}\n```\n", path=PATH)
    return caught.value


def test_defaults_use_dark_theme() -> None:
    settings = parse_settings("", path=PATH)

    assert settings.chat.theme == "textual-dark"
    assert settings.chat.keys == {}


def test_theme_and_keys_read() -> None:
    settings = parse_settings("```yaml\nchat:\n  theme: nord\n  keys:\n    standup: f2\n```\n", path=PATH)

    assert settings.chat == ChatSettings(theme="nord", keys={"standup": "f2"})


def test_unknown_theme_suggests_name() -> None:
    error = parse_error("chat:\n  theme: nrod")

    assert error.message == "/config/PIPER.user.md:3: chat.theme: unknown theme 'nrod'."
    assert error.hint is not None
    assert error.hint.startswith("Did you mean 'nord'? Themes are ansi-dark,")


def test_unknown_action_suggests_name() -> None:
    error = parse_error("chat:\n  keys:\n    standp: f2")

    assert "unknown chat action 'standp'" in error.message
    assert error.hint is not None
    assert error.hint.startswith("Did you mean 'standup'?")


def test_capital_key_rejected() -> None:
    error = parse_error("chat:\n  keys:\n    standup: Ctrl+S")

    assert "'Ctrl+S' has capital letters" in error.message
    assert "'ctrl+s'" in error.message


def test_key_clash_rejected() -> None:
    error = parse_error("chat:\n  keys:\n    standup: ctrl+n")

    assert "'ctrl+n' is bound to both new_conversation and standup" in error.message
    assert error.hint == "Give each action its own key."


def test_panel_key_may_repeat() -> None:
    settings = parse_settings("```yaml\nchat:\n  keys:\n    complete_todo: ctrl+n\n```\n", path=PATH)

    assert settings.chat.keys == {"complete_todo": "ctrl+n"}


@pytest.mark.parametrize("key", ["ctrl+n", "f2", "f12", "escape", "ctrl+shift+x", "question_mark", "d"])
def test_key_notation_accepted(key: str) -> None:
    assert key_problem(key) is None


@pytest.mark.parametrize("key", ["", " f2", "ctrl+", "ctrl-n", "f99", "control+n"])
def test_key_notation_rejected(key: str) -> None:
    assert key_problem(key) is not None


def test_themes_match_textual() -> None:
    from textual.theme import BUILTIN_THEMES

    assert sorted(THEMES) == sorted(BUILTIN_THEMES)


def test_example_documents_chat_keys() -> None:
    text = (REPOSITORY_ROOT / "config" / "PIPER.user.md").read_text(encoding="utf-8")
    chat_section = text[text.index("## Chat"):]

    for key in ChatSettings.model_fields:
        assert f"`{key}`" in chat_section, f"chat.{key} is not documented"
    for action, default in ACTIONS.items():
        assert f"{action}: {default.key}" in chat_section, f"chat.keys.{action} is not documented with its default"
    assert parse_settings(chat_section, path=PATH).chat.keys == {action: default.key for action, default in ACTIONS.items()}
