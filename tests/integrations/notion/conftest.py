"""Fixtures for the Notion tests: a running Notion double, its URL and token in the environment, and fast retries."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import keyring
import pytest

from piper.integrations.notion import client as client_module
from piper.integrations.notion.client import NotionClient
from tests.doubles.memory_keyring import MemoryKeyring
from tests.doubles.notion_server import TOKEN, NotionServer


@pytest.fixture
def notion(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotionServer]:
    """Start the Notion double and point Piper at it with a valid token."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setattr(client_module, "BACKOFF_BASE_DELAY", 0.001)
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)

    # In-process CLI runs leave the 'piper' logger with its own handler and propagate=False, which hides records from caplog.
    piper_logger = logging.getLogger("piper")
    monkeypatch.setattr(piper_logger, "propagate", True)
    monkeypatch.setattr(piper_logger, "handlers", [])

    with NotionServer() as server:
        monkeypatch.setenv("PIPER_NOTION_API_URL", server.url)
        yield server
    keyring.set_keyring(previous)


@pytest.fixture
def waits() -> list[float]:
    """Seconds the client was asked to wait between attempts, in order."""
    return []


@pytest.fixture
async def client(notion: NotionServer, waits: list[float]) -> AsyncIterator[NotionClient]:
    """A client against the double with a 0.3 s timeout and retries that record their waits instead of sleeping."""

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async with NotionClient(TOKEN, base_url=notion.url, timeout=0.3, max_retries=3, sleep=record) as notion_client:
        yield notion_client
