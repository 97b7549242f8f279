"""Fixtures for the Slack tests: a running Web API double, its URL and token in the environment, and fast retries."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import keyring
import pytest

from piper.integrations.slack import retry
from tests.doubles.memory_keyring import MemoryKeyring
from tests.doubles.slack_server import BOT_TOKEN, SlackServer


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackServer]:
    """Start the Slack double and point Piper at it with a valid bot token."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setattr(retry, "RETRY_BACKOFF_SECONDS", 0.01)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)

    # In-process CLI runs leave the 'piper' logger with its own handler and propagate=False, which hides records from caplog.
    piper_logger = logging.getLogger("piper")
    monkeypatch.setattr(piper_logger, "propagate", True)
    monkeypatch.setattr(piper_logger, "handlers", [])

    with SlackServer() as server:
        monkeypatch.setenv("PIPER_SLACK_API_URL", server.url)
        yield server
    keyring.set_keyring(previous)
