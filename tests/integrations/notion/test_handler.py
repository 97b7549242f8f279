"""The chat's publish_document action: ``piper ask`` through the workflow engine to the Notion double."""

from __future__ import annotations

from pathlib import Path

import pytest

from piper.domain.workflow import Workflow
from piper.workflows.engine import OrchestrationEngine
from piper.workflows.handlers import notion as notion_handlers
from tests.cli_runner import Runner, run_piper  # noqa: F401 - pytest fixture
from tests.doubles import notion_server as double
from tests.doubles.notion_server import TOKEN, NotionServer


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding launch-plan.md."""
    (tmp_path / "launch-plan.md").write_text("# Launch plan\n\n- ship\n- celebrate\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _configure_parent(home: Path, page_id: str) -> None:
    config = home / "config" / "PIPER.user.md"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"```yaml\nnotion:\n  default_parent: {page_id}\n```\n", encoding="utf-8")


def test_ask_publishes_document(notion: NotionServer, run_piper: Runner, workspace: Path, isolated_environment: Path) -> None:
    root = notion.add_page("Team")
    _configure_parent(isolated_environment, root)

    result = run_piper("ask", "publish launch-plan.md to Notion", "--yes", "--json")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert data["intent"]["action"] == "publish_document"
    assert data["result"]["performed"] is True
    [page_id] = [page["id"] for page in notion.pages.values() if page["parent"].get("page_id") == root]
    assert notion.pages[page_id]["url"] in data["message"]
    assert "Published 'Launch plan' to Notion (2 blocks)" in data["message"]
    assert [text for _, text, _ in notion.tree(page_id)] == ["ship", "celebrate"]
    assert TOKEN not in result.stdout + result.stderr


def test_ask_finds_file_by_words(notion: NotionServer, run_piper: Runner, workspace: Path, isolated_environment: Path) -> None:
    root = notion.add_page("Team")
    _configure_parent(isolated_environment, root)

    result = run_piper("ask", "publish the launch plan to notion", "--yes", "--json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["data"]["result"]["performed"] is True
    assert len(notion.tree(root)) == 1


def test_ask_without_parent_asks(notion: NotionServer, run_piper: Runner, workspace: Path) -> None:
    result = run_piper("ask", "publish launch-plan.md to Notion", "--yes", "--json")

    data = result.json()["data"]
    assert data["result"]["performed"] is False
    assert data["workflow_id"] is None
    assert "Which Notion page should launch-plan.md go under?" in data["message"]
    assert "notion.default_parent" in data["message"]
    assert notion.requests == []


def test_ask_parent_answered_before_confirming(notion: NotionServer, run_piper: Runner, workspace: Path) -> None:
    root = notion.add_page("Team")
    question = run_piper("ask", "--new", "publish launch-plan.md to Notion", "--json").json()["data"]
    conversation = question["conversation_id"]

    invalid = run_piper("ask", "--conversation", conversation, "the team page", "--json").json()["data"]
    requests_before_answer = len(notion.requests)
    confirmed = run_piper("ask", "--yes", "--conversation", conversation, notion.pages[root]["url"], "--json").json()["data"]

    assert "is not a Notion page ID or URL" in invalid["message"]
    assert requests_before_answer == 0
    assert confirmed["result"]["performed"] is True, confirmed["message"]
    assert [page["properties"]["title"]["title"][0]["plain_text"] for page in notion.pages.values()
            if page["parent"].get("page_id") == root] == ["Launch plan"]


def test_ask_again_after_setting_parent(notion: NotionServer, run_piper: Runner, workspace: Path, isolated_environment: Path) -> None:
    root = notion.add_page("Team")
    question = run_piper("ask", "publish launch-plan.md to Notion", "--json").json()["data"]
    _configure_parent(isolated_environment, root)

    restated = run_piper("ask", "--yes", "publish launch-plan.md to Notion", "--json").json()["data"]

    assert "Which Notion page" in question["message"]
    assert restated["result"]["performed"] is True, restated["message"]
    assert len(notion.tree(root)) == 1


def test_ask_missing_file_asks_first(notion: NotionServer, run_piper: Runner, workspace: Path) -> None:
    root = notion.add_page("Team")
    question = run_piper("ask", "--new", "publish no-such-plan.md to Notion", "--json").json()["data"]
    answered = run_piper("ask", "--conversation", question["conversation_id"], "launch-plan.md", "--json").json()["data"]
    published = run_piper("ask", "--yes", "--conversation", question["conversation_id"], root, "--json").json()["data"]

    assert "I could not find the document 'no-such-plan.md'" in question["message"]
    assert question["workflow_id"] is None
    assert "Which Notion page should launch-plan.md go under?" in answered["message"]
    assert published["result"]["performed"] is True, published["message"]
    assert len(notion.tree(root)) == 1


async def test_handler_without_parent_fails(notion: NotionServer, workspace: Path, isolated_environment: Path) -> None:
    _configure_parent(isolated_environment, notion.add_page("Team"))

    workflow = await _run_task("launch-plan.md")

    [task] = workflow.tasks
    assert task.status.value == "failed"
    assert "Which Notion page should launch-plan.md go under?" in task.message
    assert notion.requests == []


def test_ask_without_confirmation(notion: NotionServer, run_piper: Runner, workspace: Path, isolated_environment: Path) -> None:
    root = notion.add_page("Team")
    _configure_parent(isolated_environment, root)

    result = run_piper("ask", "publish launch-plan.md to Notion", "--json")

    assert result.json()["data"]["result"]["performed"] is False
    assert notion.requests == []


async def _run_task(document: str, **extra: str) -> Workflow:
    engine = OrchestrationEngine()
    notion_handlers.register_notion_handlers(engine.handlers)
    workflow = Workflow(type="publish_document", context={})
    workflow.add_task("notion.publish_document", {"document": document, **extra})
    return await engine.run(workflow)


async def test_handler_missing_file(notion: NotionServer, workspace: Path) -> None:
    workflow = await _run_task("no-such-notes.md", parent="0" * 32)

    [task] = workflow.tasks
    assert task.status.value == "failed"
    assert "I could not find the document 'no-such-notes.md'" in task.message
    assert notion.requests == []


async def test_handler_reports_partial_page(notion: NotionServer, workspace: Path) -> None:
    root = notion.add_page("Team")
    (workspace / "long.md").write_text("\n".join(f"- step {number}" for number in range(150)) + "\n", encoding="utf-8")
    notion.script("PATCH", "/children$", *[double.error(500, "internal_server_error")] * 4)

    workflow = await _run_task("long.md", parent=root)

    [task] = workflow.tasks
    assert task.status.value == "failed"
    page = task.output["page"]
    assert page["url"] in task.message
    assert page["blocks_written"] == 100
    assert "missing 50 of 150 blocks" in task.message


async def test_handler_stops_at_time_budget(notion: NotionServer, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = notion.add_page("Team")
    (workspace / "long.md").write_text("\n".join(f"- step {number}" for number in range(250)) + "\n", encoding="utf-8")
    monkeypatch.setattr(notion_handlers, "TIME_BUDGET", 0.4)
    notion.script("PATCH", "/children$", double.timeout(0.6))

    workflow = await _run_task("long.md", parent=root)

    [task] = workflow.tasks
    assert task.status.value == "failed"
    assert task.output["page"]["blocks_written"] == 100
    assert "time limit" in task.message
    assert len(notion.tree(task.output["page"]["id"])) == 100

