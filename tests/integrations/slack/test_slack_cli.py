"""``piper slack post`` and the ``slack.post_message`` task through their real entry points."""

from __future__ import annotations

import io
import sys

import pytest

from piper.domain.workflow import RunStatus, Workflow
from piper.workflows.engine import OrchestrationEngine
from piper.workflows.handlers.slack import register_slack_handlers
from tests.cli_runner import Result, Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.slack_server import BOT_TOKEN, Fault, SlackServer
from tests.storage_fixtures import database, reusable_database_url, shared_postgres_url  # noqa: F401 - fixtures


def assert_no_token(result: Result) -> None:
    assert BOT_TOKEN not in result.stdout
    assert BOT_TOKEN not in result.stderr


def test_post_converts_markdown(run_piper: Runner, slack: SlackServer) -> None:
    result = run_piper("slack", "post", "#general", "**Shipped** the [release](https://example.com/r?a=1&b=2) <today>")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Posted to #general (1 message, ts ")
    assert slack.channel("general").messages[0]["text"] == "*Shipped* the <https://example.com/r?a=1&b=2|release> &lt;today&gt;"
    assert_no_token(result)


def test_post_mrkdwn_sent_unchanged(run_piper: Runner, slack: SlackServer) -> None:
    result = run_piper("slack", "post", "C000000001", "*already* <https://x.y|mrkdwn>", "--mrkdwn")

    assert result.exit_code == 0, result.stderr
    assert slack.channel("random").messages[0]["text"] == "*already* <https://x.y|mrkdwn>"


def test_post_stdin_long_text_json(run_piper: Runner, slack: SlackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    paragraphs = [f"## Section {index}\n\n" + ("word " * 300).strip() for index in range(8)]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n\n".join(paragraphs)))

    result = run_piper("slack", "post", "#team-standup", "-", "--json")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    posted = slack.channel("team-standup").messages
    assert data["parts"] == len(posted) > 1
    assert data["channel"] == "C000000002"
    assert data["channel_name"] == "team-standup"
    assert [message["ts"] for message in data["messages"]] == [message["ts"] for message in posted]
    assert all(len(message["text"]) <= 3000 for message in posted)
    assert posted[0]["text"].startswith("*Section 0*")
    assert "*Section 7*" in posted[-1]["text"]
    assert_no_token(result)


def test_post_empty_text_usage_error(run_piper: Runner, slack: SlackServer) -> None:
    result = run_piper("slack", "post", "#general", "  ")

    assert result.exit_code == 2
    assert slack.calls == []


def test_post_missing_token_exit_4(run_piper: Runner, slack: SlackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")

    result = run_piper("slack", "post", "#general", "hi", "--json")

    assert result.exit_code == 4
    envelope = result.json()
    assert envelope["error"] == "No Slack bot token is set."
    assert "piper auth login slack" in envelope["details"]["hint"]


def test_post_revoked_token_exit_4(run_piper: Runner, slack: SlackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-9999-revoked-token")

    result = run_piper("slack", "post", "#general", "hi")

    assert result.exit_code == 4
    assert "Slack rejected the bot token (token_revoked)" in result.error_text
    assert "piper auth login slack" in result.error_text
    assert "xoxb-9999-revoked-token" not in result.stderr


def test_post_unreachable_error_printed_once(run_piper: Runner, slack: SlackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 1 on loopback has no listener, so the connection is refused at once.
    monkeypatch.setenv("PIPER_SLACK_API_URL", "http://127.0.0.1:1/api/")

    result = run_piper("slack", "post", "#general", "hi")

    assert result.exit_code == 1
    assert "could not connect to 127.0.0.1:1" in result.error_text
    assert "WARNING" not in result.stderr


def test_post_bare_hash_usage_error(run_piper: Runner, slack: SlackServer) -> None:
    result = run_piper("slack", "post", "#", "hi")

    assert result.exit_code == 2
    assert "Invalid Slack channel '#'" in result.error_text
    assert slack.calls == []


def test_post_unknown_channel_exit_1(run_piper: Runner, slack: SlackServer) -> None:
    result = run_piper("slack", "post", "#missing", "hi")

    assert result.exit_code == 1
    assert "Slack channel #missing not found." in result.error_text


def test_post_closed_stdin_usage_error(run_piper: Runner, slack: SlackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # Python sets sys.stdin to None when the process starts with standard input closed (`<&-`).
    monkeypatch.setattr(sys, "stdin", None)

    result = run_piper("slack", "post", "#general", "-")

    assert result.exit_code == 2
    assert "standard input is closed" in result.error_text
    assert slack.calls == []


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("#old-stuff", "Slack channel #old-stuff is archived"),
        ("#secret-room", "The Slack bot is not a member of channel #secret-room."),
    ],
)
def test_post_error_printed_once(run_piper: Runner, slack: SlackServer, channel: str, message: str) -> None:
    slack.add_channel("C0ARCHIVED", "old-stuff", is_archived=True)
    slack.add_channel("C0NOTMEMBER", "secret-room", is_member=False)

    result = run_piper("slack", "post", channel, "hi")

    assert result.exit_code == 1
    assert message in result.error_text
    # Without -v the error is the only line: no log record repeats it.
    assert "WARNING" not in result.stderr
    assert result.error_text.count(channel) == 1


def test_post_debug_logs_hide_token(run_piper: Runner, slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("http_error", status=500, process=True))

    result = run_piper("--debug", "slack", "post", "#general", "hi")

    assert result.exit_code == 0, result.stderr
    assert "checking the channel history" in result.stderr
    assert len(slack.channel("general").messages) == 1
    assert_no_token(result)


async def test_task_posts_message(slack: SlackServer) -> None:
    engine = OrchestrationEngine()
    register_slack_handlers(engine.handlers)
    workflow = Workflow(type="post_message", context={})
    workflow.add_task("slack.post_message", {"channel": "#design", "text": "Review at **3pm**"})

    finished = await engine.run(workflow)

    assert finished.status is RunStatus.COMPLETED
    task = finished.tasks[0]
    assert task.message == "Posted the message to #design."
    assert task.output["channel"] == "C000000003"
    assert slack.channel("design").messages[0]["text"] == "Review at *3pm*"


async def test_task_failure_names_fix(slack: SlackServer) -> None:
    slack.add_channel("C0ARCHIVE1", "old", is_archived=True)
    engine = OrchestrationEngine()
    register_slack_handlers(engine.handlers)
    workflow = Workflow(type="post_message", context={})
    workflow.add_task("slack.post_message", {"channel": "#old", "text": "hello"})

    finished = await engine.run(workflow)

    assert finished.status is RunStatus.FAILED
    assert "#old is archived" in (finished.tasks[0].message or "")
    assert "Unarchive it" in (finished.tasks[0].message or "")


async def test_task_stores_no_token(slack: SlackServer, database) -> None:  # noqa: ANN001 - the storage fixture's Database
    from sqlalchemy import text

    from piper.workflows.engine import build_engine

    slack.fail("chat.postMessage", Fault("http_error", status=500, process=True))
    workflow = Workflow(type="post_message", context={})
    workflow.add_task("slack.post_message", {"channel": "#general", "text": "stored safely"})

    finished = await build_engine(database).run(workflow)

    assert finished.status is RunStatus.COMPLETED
    async with database.session() as session:
        rows = [*(await session.execute(text("SELECT * FROM tasks"))).all(), *(await session.execute(text("SELECT * FROM workflows"))).all()]
    assert rows
    assert all(BOT_TOKEN not in str(row) for row in rows)
    assert "stored safely" in str(rows)
