"""Notion IDs and the ``notion:`` settings in PIPER.user.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from piper.config import parse_settings
from piper.errors import ConfigError
from piper.integrations.notion.client import NotionClient
from piper.integrations.notion.errors import NotionError
from piper.integrations.notion.ids import parse_notion_id
from tests.doubles import notion_server as double
from tests.doubles.notion_server import TOKEN, NotionServer

CANONICAL = "01234567-89ab-cdef-0123-456789abcdef"


@pytest.mark.parametrize(
    "text",
    [
        "0123456789abcdef0123456789abcdef",
        "01234567-89AB-cdef-0123-456789abcdef",
        "https://www.notion.so/acme/Roadmap-0123456789abcdef0123456789abcdef?pvs=4",
        "https://www.notion.so/0123456789abcdef0123456789abcdef",
        " 0123456789abcdef0123456789abcdef ",
    ],
)
def test_id_forms_accepted(text: str) -> None:
    assert parse_notion_id(text) == CANONICAL


@pytest.mark.parametrize("text", ["", "roadmap", "0123", "x0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdeg"])
def test_id_forms_rejected(text: str) -> None:
    assert parse_notion_id(text) is None


def test_settings_defaults() -> None:
    settings = parse_settings("", path=Path("/tmp/PIPER.user.md"))

    assert settings.notion.default_parent is None
    assert settings.notion.timeout_seconds == 30.0
    assert settings.notion.max_retries == 3


def test_settings_parent_url_normalised() -> None:
    text = "```yaml\nnotion:\n  default_parent: https://www.notion.so/acme/Team-0123456789abcdef0123456789abcdef\n  max_retries: 1\n```\n"
    settings = parse_settings(text, path=Path("/tmp/PIPER.user.md"))

    assert settings.notion.default_parent == CANONICAL
    assert settings.notion.max_retries == 1


def test_settings_invalid_parent() -> None:
    text = "```yaml\nnotion:\n  default_parent: team notes\n```\n"

    with pytest.raises(ConfigError) as raised:
        parse_settings(text, path=Path("/tmp/PIPER.user.md"))

    assert "notion.default_parent" in raised.value.message
    assert "'team notes' is not a Notion page ID or page URL." in raised.value.message
    assert "Copy link" in (raised.value.hint or "")


def test_example_config_parses() -> None:
    example = Path(__file__).resolve().parents[3] / "config" / "PIPER.user.md"
    settings = parse_settings(example.read_text(encoding="utf-8"), path=example)

    assert settings.notion.default_parent == CANONICAL


async def test_echoed_token_redacted(notion: NotionServer) -> None:
    notion.script("POST", "/v1/search", double.error(400, "validation_error", f"bad header Bearer {TOKEN}"))

    async with NotionClient(TOKEN, base_url=notion.url) as client:
        with pytest.raises(NotionError) as raised:
            await client.read("POST", "/v1/search", action="searching", json={})

    assert TOKEN not in raised.value.message
    assert "[token]" in raised.value.message


def test_api_url_must_be_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPER_NOTION_API_URL", "api.notion.com")

    with pytest.raises(ConfigError) as raised:
        NotionClient(TOKEN)

    assert "PIPER_NOTION_API_URL is 'api.notion.com'" in raised.value.message
