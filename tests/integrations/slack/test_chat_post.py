"""Posting from the chat: `piper ask` reads the channel and only the message words from the request."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from piper.domain.intent import Action
from piper.intent.entities import extract_entities
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.slack_server import BOT_TOKEN, SlackServer


def ask(run_piper: Runner, *arguments: str) -> dict[str, Any]:
    result = run_piper("ask", "--json", "--new", *arguments)
    assert result.exit_code == 0, result.stderr
    assert BOT_TOKEN not in result.stdout + result.stderr
    return result.json()["data"]


@pytest.mark.parametrize(
    ("request_text", "channel", "message"),
    [
        ("post a message to #general saying we ship Friday", "#general", "we ship Friday"),
        ("post to #general: shipping today", "#general", "shipping today"),
        ("post to #general saying: \"we ship Friday\"", "#general", "we ship Friday"),
        ("send a message to #eng that the build is green", "#eng", "the build is green"),
        ("post in #general that we ship Friday", "#general", "we ship Friday"),
        ("let #eng know that the release is out", "#eng", "the release is out"),
        ("tell #design the mockups are ready", "#design", "the mockups are ready"),
        ("slack #random: lunch at noon", "#random", "lunch at noon"),
        ("post 'deploy done' in #general", "#general", "deploy done"),
        ("post 'note: done' to #eng", "#eng", "note: done"),
        ("post to #general: the 'beta' flag is on", "#general", "the 'beta' flag is on"),
        ("post to slack: hello team", None, "hello team"),
    ],
)
def test_message_text_extracted(request_text: str, channel: str | None, message: str) -> None:
    entities = extract_entities(request_text, Action.POST_MESSAGE)

    assert entities.get("channel") == channel
    assert entities["text"] == message
    assert "title" not in entities


def test_date_in_message_not_an_entity() -> None:
    entities = extract_entities("post to #general saying we ship Friday", Action.POST_MESSAGE)

    assert entities["text"] == "we ship Friday"
    assert "date" not in entities


@pytest.mark.parametrize(
    "request_text",
    ["post a message to #general", "send a message to #design about the new mocks", "let #support know about the workaround"],
)
def test_no_marker_no_message_text(request_text: str) -> None:
    assert "text" not in extract_entities(request_text, Action.POST_MESSAGE)


def test_ask_posts_only_the_message(run_piper: Runner, slack: SlackServer) -> None:
    reply = ask(run_piper, "--yes", "post a message to #general saying we ship Friday")

    assert reply["result"]["performed"] is True
    assert [message["text"] for message in slack.channel("general").messages] == ["we ship Friday"]


def test_ask_long_message_posted_in_parts(run_piper: Runner, slack: SlackServer) -> None:
    # Over 3,000 characters: the embedding alone is unsure of so long a request, so a rule decides.
    words = "word " * 1500

    reply = ask(run_piper, "--yes", f"post to #general: {words}")

    assert reply["intent"]["action"] == "post_message"
    assert reply["intent"]["classifier"] == "rules"
    posted = [message["text"] for message in slack.channel("general").messages]
    assert len(posted) == 3
    assert " ".join(posted).split() == words.split()


def test_ask_restated_request_not_an_answer(run_piper: Runner, slack: SlackServer) -> None:
    first = ask(run_piper, "--yes", "post a message to #general")
    assert first["message"] == "What should the message say?"

    # A full request sent while the question is open replaces it instead of becoming the message.
    second = run_piper("ask", "--json", "--yes", "post to #general: shipping today")

    assert second.exit_code == 0, second.stderr
    assert [message["text"] for message in slack.channel("general").messages] == ["shipping today"]


def test_ask_uses_default_channel(run_piper: Runner, slack: SlackServer) -> None:
    folder = Path(os.environ["PIPER_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PIPER.user.md").write_text('# Settings\n\n```yaml\nslack:\n  default_channel: "#random"\n```\n', encoding="utf-8")

    reply = ask(run_piper, "--yes", "post to slack: hello team")

    assert reply["result"]["performed"] is True
    assert [message["text"] for message in slack.channel("random").messages] == ["hello team"]
