"""``piper standup --post`` to Slack and Notion, end to end through the loopback doubles."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.notion_server import NotionServer
from tests.doubles.slack_server import BOT_TOKEN, SlackServer
from tests.gitrepo import GitRepo
from tests.integrations.notion.conftest import notion  # noqa: F401 - fixture

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def repo(tmp_path: Path, isolated_environment: Path) -> GitRepo:
    """A repository with one commit by the configured user in the window of the standup for Monday 9 March 2026."""
    config = isolated_environment / "config" / "PIPER.user.md"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("```yaml\nidentity:\n  emails: [ada@example.com]\n  timezone: Europe/Berlin\n```\n")
    repository = GitRepo.init(tmp_path / "web")
    repository.commit("Fix the <export> & import", dt.datetime(2026, 3, 6, 10, tzinfo=BERLIN), files={"a.txt": "1"})
    return repository


def standup(run_piper: Runner, repo: GitRepo, *arguments: str):  # noqa: ANN201 - the runner's Result
    return run_piper("standup", "--repo", str(repo.path), "--date", "2026-03-09", "--source", "git", "--no-save", *arguments)


def test_post_slack_text_output_kept(run_piper: Runner, repo: GitRepo, slack: SlackServer) -> None:
    result = standup(run_piper, repo, "--format", "text", "--post", "slack:#team-standup")

    assert result.exit_code == 0, result.stderr
    assert "Fix the <export> & import" in result.stdout
    assert "Posted the standup to #team-standup (1 message)." in result.stderr
    [message] = slack.channel("team-standup").messages
    assert message["text"].startswith("*Standup for Monday 9 March 2026*")
    assert "Fix the &lt;export&gt; &amp; import" in message["text"]
    assert BOT_TOKEN not in result.stdout + result.stderr


def test_post_slack_json_has_posted(run_piper: Runner, repo: GitRepo, slack: SlackServer) -> None:
    result = standup(run_piper, repo, "--json", "--post", "slack:C000000004")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert data["yesterday_accomplishments"][0]["title"] == "Fix the <export> & import"
    posted = data["posted"]
    assert posted["service"] == "slack"
    assert posted["target"] == "slack:C000000004"
    assert posted["ts"] == slack.channel("eng").messages[0]["ts"]
    assert slack.calls_to("conversations.list") == []


def test_post_slack_default_channel(run_piper: Runner, repo: GitRepo, slack: SlackServer, isolated_environment: Path) -> None:
    config = isolated_environment / "config" / "PIPER.user.md"
    config.write_text(config.read_text() + '\n```yaml\nslack:\n  default_channel: "#design"\n```\n')

    result = standup(run_piper, repo, "--format", "markdown", "--post", "slack")

    assert result.exit_code == 0, result.stderr
    assert len(slack.channel("design").messages) == 1


def test_post_slack_no_default_usage_error(run_piper: Runner, repo: GitRepo, slack: SlackServer) -> None:
    result = standup(run_piper, repo, "--post", "slack")

    assert result.exit_code == 2
    assert "no slack.default_channel configured" in result.error_text
    assert result.stdout == ""
    assert slack.calls == []


def test_post_unknown_service_usage_error(run_piper: Runner, repo: GitRepo) -> None:
    result = standup(run_piper, repo, "--post", "email:me")

    assert result.exit_code == 2
    assert "invalid target 'email:me'" in result.error_text


def test_post_failure_keeps_text_output(run_piper: Runner, repo: GitRepo, slack: SlackServer) -> None:
    result = standup(run_piper, repo, "--format", "text", "--post", "slack:#nowhere")

    assert result.exit_code == 1
    assert "Fix the <export> & import" in result.stdout
    assert "The standup was generated but posting it to slack:#nowhere failed: Slack channel #nowhere not found." in result.error_text


def test_post_rejected_token_json_envelope(run_piper: Runner, repo: GitRepo, slack: SlackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-9999-revoked-token")

    result = standup(run_piper, repo, "--json", "--post", "slack:#general")

    assert result.exit_code == 4
    envelope = json.loads(result.stdout)
    assert envelope["status"] == "error"
    assert "Slack rejected the bot token (token_revoked)" in envelope["error"]
    assert envelope["details"]["standup"]["yesterday_accomplishments"][0]["title"] == "Fix the <export> & import"
    assert "xoxb-9999-revoked-token" not in result.stdout + result.stderr


def test_post_slack_output_file_and_json(run_piper: Runner, repo: GitRepo, slack: SlackServer, tmp_path: Path) -> None:
    target = tmp_path / "standup.md"

    result = standup(run_piper, repo, "--output", str(target), "--post", "slack:#general")

    assert result.exit_code == 0, result.stderr
    assert "Fix the \\<export\\> & import" in target.read_text()
    assert len(slack.channel("general").messages) == 1


def test_post_notion_creates_page(run_piper: Runner, repo: GitRepo, notion: NotionServer) -> None:
    parent = notion.add_page("Standups")

    result = standup(run_piper, repo, "--json", "--post", f"notion:{parent}")

    assert result.exit_code == 0, result.stderr
    posted = result.json()["data"]["posted"]
    assert posted["service"] == "notion"
    assert posted["title"] == "Standup for Monday 9 March 2026"
    page = notion.pages[posted["id"]]
    assert page["url"] == posted["url"]
    kinds = [kind for kind, _, _ in notion.tree(posted["id"])]
    assert kinds[0] != "heading_1"
    assert "bulleted_list_item" in kinds


def test_post_notion_unavailable_message(run_piper: Runner, repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import fail as it does in an installation without the Notion module.
    monkeypatch.setitem(sys.modules, "piper.integrations.notion.standup", None)

    result = standup(run_piper, repo, "--format", "text", "--post", "notion:0123456789abcdef0123456789abcdef")

    assert result.exit_code == 1
    assert "Fix the <export> & import" in result.stdout
    assert "publishing to Notion is not available" in result.error_text
