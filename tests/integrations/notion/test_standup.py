"""publish_standup_markdown, the entry point of ``piper standup --post notion:PAGE_ID``."""

from __future__ import annotations

import pytest

from piper.errors import CredentialsError, UsageError
from piper.integrations.notion.errors import NotionNotFoundError
from piper.integrations.notion.standup import publish_standup_markdown
from tests.cli_runner import Runner, run_piper  # noqa: F401 - pytest fixture
from tests.doubles.notion_server import NotionServer

STANDUP = """# Standup for 2026-12-04

## Yesterday

- Fixed the export ([a1b2c3d](https://github.com/acme/web/commit/a1b2c3d))

## Today

- Review the Q3 roadmap

## Blockers

- None
"""


async def test_standup_posted(notion: NotionServer) -> None:
    root = notion.add_page("Standups")

    page = await publish_standup_markdown(root.replace("-", ""), "Standup 2026-12-04", STANDUP)

    assert page["url"] == notion.pages[page["id"]]["url"]
    assert page["title"] == "Standup 2026-12-04"
    kinds = [kind for kind, _, _ in notion.tree(page["id"])]
    assert kinds == ["heading_1", "heading_2", "bulleted_list_item", "heading_2", "bulleted_list_item", "heading_2", "bulleted_list_item"]
    [bullet] = [item for item in notion.blocks.values() if item["type"] == "bulleted_list_item" and "export" in item["bulleted_list_item"]["rich_text"][0]["plain_text"]]
    links = [item["href"] for item in bullet["bulleted_list_item"]["rich_text"] if item["href"]]
    assert links == ["https://github.com/acme/web/commit/a1b2c3d"]


async def test_standup_invalid_page_id(notion: NotionServer) -> None:
    with pytest.raises(UsageError) as raised:
        await publish_standup_markdown("standups", "Standup", STANDUP)

    assert raised.value.message == "'standups' is not a Notion page ID or URL."
    assert notion.requests == []


def test_standup_cli_invalid_page_id(notion: NotionServer, run_piper: Runner) -> None:
    result = run_piper("standup", "--post", "notion:abc")

    assert result.exit_code == 2
    assert "posting it to notion:abc failed: 'abc' is not a Notion page ID or URL." in result.error_text
    # Rich once turned "notion:abc:" into the emoji shortcode :abc:.
    assert "\N{INPUT SYMBOL FOR LATIN LETTERS}" not in result.error_text
    assert notion.requests == []


async def test_standup_unknown_page(notion: NotionServer) -> None:
    with pytest.raises(NotionNotFoundError):
        await publish_standup_markdown("0" * 32, "Standup", STANDUP)


async def test_standup_without_token(notion: NotionServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTION_TOKEN")

    with pytest.raises(CredentialsError) as raised:
        await publish_standup_markdown("0" * 32, "Standup", STANDUP)

    assert raised.value.exit_code == 4
    assert notion.requests == []
