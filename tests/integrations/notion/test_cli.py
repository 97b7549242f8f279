"""``piper notion publish`` and ``piper notion search`` end to end: the real entry point, httpx and the Notion double."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - pytest fixture
from tests.doubles import notion_server as double
from tests.doubles.notion_server import TOKEN, NotionServer

DOCUMENT = "# Launch plan\n\nWe ship on **Friday**.\n\n- [ ] Write notes\n- [x] Book room\n\n```python\nprint('hi')\n```\n"


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "launch-plan.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    return path


def _write_config(home: Path, text: str) -> None:
    config = home / "config" / "PIPER.user.md"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")


def _assert_no_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text


def test_publish_json(notion: NotionServer, run_piper: Runner, document: Path) -> None:
    root = notion.add_page("Team")
    result = run_piper("notion", "publish", str(document), "--parent", root.replace("-", ""), "--json")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert data["title"] == "Launch plan"
    assert data["parent"] == {"type": "page", "id": root}
    assert data["blocks"] == 4
    assert data["url"] == notion.pages[data["id"]]["url"]
    assert [kind for kind, _, _ in notion.tree(data["id"])] == ["paragraph", "to_do", "to_do", "code"]
    _assert_no_token(result.stdout, result.stderr)


def test_publish_text_output(notion: NotionServer, run_piper: Runner, document: Path) -> None:
    root = notion.add_page("Team")
    result = run_piper("notion", "publish", str(document), "--parent", notion.pages[root]["url"], "--title", "Given")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Published 'Given' (5 blocks): https://www.notion.so/Given-")


def test_publish_from_stdin(notion: NotionServer, run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    root = notion.add_page("Team")
    monkeypatch.setattr("sys.stdin", io.StringIO("just text\n"))

    result = run_piper("notion", "publish", "-", "--parent", root, "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["data"]["title"] == "Untitled"


def test_publish_stdin_terminal(notion: NotionServer, run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = io.StringIO("")
    monkeypatch.setattr(terminal, "isatty", lambda: True)
    monkeypatch.setattr("sys.stdin", terminal)

    result = run_piper("notion", "publish", "-", "--parent", notion.add_page("Team"))

    assert result.exit_code == 2
    assert "standard input is a terminal, not a markdown document." in result.error_text
    assert notion.requests == []


def test_publish_into_database(notion: NotionServer, run_piper: Runner, document: Path) -> None:
    database = notion.add_database("Docs")
    result = run_piper("notion", "publish", str(document), "--database", database, "--json")

    assert result.exit_code == 0, result.stderr
    page = notion.pages[result.json()["data"]["id"]]
    assert page["parent"] == {"type": "database_id", "database_id": database}


def test_publish_database_title_property(notion: NotionServer, run_piper: Runner, document: Path) -> None:
    database = notion.add_database("Docs", title_property="Doc title")
    result = run_piper("notion", "publish", str(document), "--database", database, "--json")

    assert result.exit_code == 0, result.stderr
    page = notion.pages[result.json()["data"]["id"]]
    assert list(page["properties"]) == ["Doc title"]
    assert page["properties"]["Doc title"]["title"][0]["plain_text"] == "Launch plan"


def test_publish_default_parent(notion: NotionServer, run_piper: Runner, document: Path, isolated_environment: Path) -> None:
    root = notion.add_page("Team")
    _write_config(isolated_environment, f"```yaml\nnotion:\n  default_parent: {notion.pages[root]['url']}\n```\n")

    result = run_piper("notion", "publish", str(document), "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["data"]["parent"]["id"] == root


def test_publish_without_parent(notion: NotionServer, run_piper: Runner, document: Path) -> None:
    result = run_piper("notion", "publish", str(document), "--json")

    assert result.exit_code == 2
    envelope = result.json()
    assert envelope["error"] == "No Notion page to publish under."
    assert "notion.default_parent" in envelope["details"]["hint"]
    assert notion.requests == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--parent", "not-an-id"], "--parent: 'not-an-id' is not a Notion ID or URL."),
        (["--parent", "0" * 32, "--database", "1" * 32], "--parent and --database cannot be used together."),
    ],
)
def test_publish_bad_options(notion: NotionServer, run_piper: Runner, document: Path, arguments: list[str], message: str) -> None:
    result = run_piper("notion", "publish", str(document), *arguments)

    assert result.exit_code == 2
    assert message in result.error_text


def test_publish_missing_file(notion: NotionServer, run_piper: Runner, tmp_path: Path) -> None:
    result = run_piper("notion", "publish", str(tmp_path / "nope.md"), "--parent", "0" * 32)

    assert result.exit_code == 2
    assert "nope.md: file not found." in result.error_text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the document is empty, so there is nothing to publish."),
        (b"  \n\n\t\n", "the document is empty, so there is nothing to publish."),
        (b"GIF89a\x00\x01\x00\x00", "the file is binary, not markdown text."),
        (bytes(range(256)), "the file is not UTF-8 text."),
    ],
)
def test_publish_unusable_file(notion: NotionServer, run_piper: Runner, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes(content)

    result = run_piper("notion", "publish", str(path), "--parent", "0" * 32)

    assert result.exit_code == 2
    assert f"notes.md: {message}" in result.error_text
    assert notion.requests == []


def test_publish_prd_front_matter(notion: NotionServer, run_piper: Runner, tmp_path: Path) -> None:
    root = notion.add_page("Team")
    path = tmp_path / "prd.md"
    path.write_text(
        "---\ntitle: Checkout PRD\nstatus: draft\n---\n\n## Goals 🎯\n\nZürich — 日本語\n\n![Funnel](https://example.com/f.png)\n",
        encoding="utf-8",
    )

    result = run_piper("notion", "publish", str(path), "--parent", root, "--json")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert data["title"] == "Checkout PRD"
    assert notion.tree(data["id"]) == [
        ("heading_2", "Goals 🎯", []),
        ("paragraph", "Zürich — 日本語", []),
        ("image", "https://example.com/f.png", []),
    ]


def test_publish_database_as_parent(notion: NotionServer, run_piper: Runner, document: Path) -> None:
    database = notion.add_database("Docs")
    view_link = f"https://www.notion.so/acme/{database.replace('-', '')}?v=0123456789abcdef0123456789abcdef"

    by_id = run_piper("notion", "publish", str(document), "--parent", database)
    by_view_link = run_piper("notion", "publish", str(document), "--parent", view_link)

    assert by_id.exit_code == 1
    assert f"If {database} is a database, pass it with --database instead." in by_id.error_text
    assert by_view_link.exit_code == 2
    assert "is a link to a database view, not a page." in by_view_link.error_text
    assert "--database" in by_view_link.error_text
    assert notion.pages == {}


def test_publish_without_token(notion: NotionServer, run_piper: Runner, document: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTION_TOKEN")
    result = run_piper("notion", "publish", str(document), "--parent", "0" * 32, "--json")

    assert result.exit_code == 4
    assert result.json()["error"] == "No Notion token is set."
    assert "piper auth login notion" in result.json()["details"]["hint"]
    assert notion.requests == []


def test_publish_rejected_token(notion: NotionServer, run_piper: Runner, document: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_TOKEN", "secret_revoked_value_123")
    result = run_piper("notion", "publish", str(document), "--parent", "0" * 32)

    assert result.exit_code == 4
    assert "Notion rejected the token (401 unauthorized)" in result.error_text
    assert "piper auth login notion" in result.error_text
    assert "secret_revoked_value_123" not in result.stderr + result.stdout


def test_publish_unshared_page(notion: NotionServer, run_piper: Runner, document: Path) -> None:
    root = notion.add_page("Private")
    notion.restrict(root)

    result = run_piper("notion", "publish", str(document), "--parent", root)

    assert result.exit_code == 1
    assert "403 restricted_resource" in result.error_text
    assert "Share the page with your Notion integration" in result.error_text


def test_publish_partial_json(notion: NotionServer, run_piper: Runner, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    root = notion.add_page("Team")
    path = tmp_path / "long.md"
    path.write_text("\n".join(f"{number}. step {number}" for number in range(1, 131)) + "\n", encoding="utf-8")
    notion.script("PATCH", "/children$", *[double.error(503, "service_unavailable")] * 4)

    result = run_piper("-vv", "notion", "publish", str(path), "--parent", root, "--json")

    assert result.exit_code == 1
    envelope = result.json()
    assert envelope["status"] == "error"
    details = envelope["details"]
    assert details["url"] in envelope["error"]
    assert details["blocks_written"] == 100
    assert details["blocks_total"] == 130
    assert details["not_written"][0] == "numbered_list_item: step 101"
    assert len(notion.tree(details["id"])) == 100
    _assert_no_token(result.stdout, result.stderr, caplog.text)


def test_search_more_hint(notion: NotionServer, run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from piper.cli import notion as notion_cli

    for number in range(5):
        notion.add_page(f"Spec {number}")
    monkeypatch.setattr(notion_cli, "MAX_SEARCH_LIMIT", 4)

    doubled = run_piper("notion", "search", "spec", "--limit", "3")
    capped = run_piper("notion", "search", "spec", "--limit", "4")

    assert "More results exist; pass --limit 4 to see more." in doubled.stderr
    assert "More than 4 results exist; use more specific words to narrow the search." in capped.stderr


def test_search_text(notion: NotionServer, run_piper: Runner) -> None:
    notion.add_page("Roadmap 2027", edited="2026-11-30T09:15:00.000Z")
    notion.add_page("Roadmap review", edited="2026-12-01T10:00:00.000Z")
    notion.add_page("Lunch menu")
    notion.add_database("Roadmap items")

    result = run_piper("notion", "search", "roadmap")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("2026-12-01 10:00  Roadmap review  https://www.notion.so/Roadmap-review-")
    assert lines[2].startswith("2026-11-30 09:15  Roadmap 2027  https://")
    assert "Roadmap items (database)" in lines[0]


def test_search_paginates(notion: NotionServer, run_piper: Runner) -> None:
    for number in range(7):
        notion.add_page(f"Spec {number}", edited=f"2026-12-0{number + 1}T00:00:00.000Z")
    notion.search_page_size = 3

    result = run_piper("notion", "search", "spec", "--json", "--limit", "5")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert [item["title"] for item in data["results"]] == ["Spec 6", "Spec 5", "Spec 4", "Spec 3", "Spec 2"]
    assert data["has_more"] is True
    assert notion.count("POST", "/v1/search") == 2
    cursors = [request.body.get("start_cursor") for request in notion.requests]
    assert cursors == [None, "3"]
    assert set(data["results"][0]) == {"id", "object", "title", "url", "last_edited_time"}


def test_search_all_pages(notion: NotionServer, run_piper: Runner) -> None:
    for number in range(7):
        notion.add_page(f"Spec {number}")
    notion.search_page_size = 3

    result = run_piper("notion", "search", "spec", "--json")

    assert len(result.json()["data"]["results"]) == 7
    assert result.json()["data"]["has_more"] is False
    assert notion.count("POST", "/v1/search") == 3


def test_search_no_results(notion: NotionServer, run_piper: Runner) -> None:
    result = run_piper("notion", "search", "nothing")

    assert result.exit_code == 0
    assert result.stdout == "No Notion pages or databases match 'nothing'.\n"


def test_search_rate_limited_then_ok(notion: NotionServer, run_piper: Runner) -> None:
    notion.add_page("Spec")
    notion.script("POST", "/v1/search", double.rate_limited("0"), double.error(500, "internal_server_error"))

    result = run_piper("notion", "search", "spec", "--json")

    assert result.exit_code == 0, result.stderr
    assert [item["title"] for item in result.json()["data"]["results"]] == ["Spec"]
    assert notion.count("POST", "/v1/search") == 3


def test_search_malformed_response(notion: NotionServer, run_piper: Runner) -> None:
    notion.script("POST", "/v1/search", *[double.invalid_json()] * 4)

    result = run_piper("notion", "search", "spec", "--json")

    assert result.exit_code == 1
    assert "not a JSON object" in result.json()["error"]


def test_search_skips_broken_results(notion: NotionServer, run_piper: Runner) -> None:
    odd_title = {"id": "d1", "object": "database", "title": [{"text": "plain"}, {"text": {"content": "Specs"}}, 3], "url": 5}
    results = [{"object": "page"}, {"object": "page", "id": "p1", "properties": "odd"}, "text", odd_title]
    broken = {"object": "list", "results": results, "has_more": False, "next_cursor": None}
    notion.script("POST", "/v1/search", double.wrong_shape(broken))

    result = run_piper("notion", "search", "x", "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["data"]["results"] == [
        {"id": "p1", "object": "page", "title": "", "url": None, "last_edited_time": None},
        {"id": "d1", "object": "database", "title": "Specs", "url": None, "last_edited_time": None},
    ]
