"""`piper standup` with git, GitHub, todos and a calendar together, as a PM sets it up.

Every source is real: a git repository built in a temporary folder, the
GitHub double driven through PyGithub, Piper's own todo list and an .ics
file. The tests check that each item appears once, and that a failing
source is reported in ``sources`` without failing the standup.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.github_server import GitHubServer
from tests.gitrepo import GitRepo

USER = "octokit-fixture-user-a"
WEB = "acme/web"

CONFIG = """\
# Settings

```yaml
identity:
  github: {user}
github:
  timeout_seconds: 1
  max_retries: 0
  request_interval_seconds: 0
  write_interval_seconds: 0
calendars:
  - name: Work
    path: {calendar}
```
"""

ICS = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Piper tests//EN
BEGIN:VEVENT
UID:launch-review@example.com
DTSTAMP:20260101T000000Z
DTSTART:{today}T150000
DTEND:{today}T153000
SUMMARY:Launch review
END:VEVENT
BEGIN:VEVENT
UID:daily-sync@example.com
DTSTAMP:20260101T000000Z
DTSTART:20260101T093000
DTEND:20260101T094500
RRULE:FREQ=DAILY
SUMMARY:Daily sync
END:VEVENT
END:VCALENDAR
"""


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def github() -> Any:
    with GitHubServer(max_per_page=3) as server:
        yield server


@pytest.fixture
def workspace(github: GitHubServer, isolated_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_piper: Runner) -> dict[str, Any]:
    """A repository, GitHub activity sharing one of its commits, an open todo and a calendar with today's meetings."""
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    since = (now - dt.timedelta(days=1)).date()

    repo = GitRepo.init(tmp_path / "web")
    shared_sha = repo.commit("Fix the export button", now - dt.timedelta(minutes=30))

    github.add_commit(WEB, shared_sha, "Fix the export button", author=USER, date=iso(now - dt.timedelta(minutes=30)))
    merged = github.add_issue(WEB, "Export as CSV", pull_request=True, author=USER, state="closed",
                              closed_at=iso(now), updated_at=iso(now), _merged_at=iso(now))
    merged["pull_request"]["merged_at"] = iso(now)
    github.add_issue(WEB, "Dark mode", assignees=[USER], updated_at=iso(now))

    calendar = tmp_path / "work.ics"
    calendar.write_text(ICS.format(today=now.strftime("%Y%m%d")), encoding="utf-8")
    config_dir = isolated_environment / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "PIPER.user.md").write_text(CONFIG.format(user=USER, calendar=calendar), encoding="utf-8")

    monkeypatch.setenv("GITHUB_TOKEN", github.token)
    monkeypatch.setenv("PIPER_GITHUB_API_URL", github.api_url)

    added = run_piper("todo", "add", "Write the Q3 launch brief", "--priority", "high")
    assert added.exit_code == 0, added.stderr
    return {"repo": repo, "shared": shared_sha, "since": since, "calendar": calendar}


def standup(run_piper: Runner, workspace: dict[str, Any]) -> dict[str, Any]:
    result = run_piper("standup", "--repo", str(workspace["repo"].path), "--since", workspace["since"].isoformat(), "--json", "--no-save")
    assert result.exit_code == 0, result.stderr
    return result.json()["data"]


def all_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["yesterday_accomplishments"] + data["today_priorities"] + data["blockers"]


def test_all_sources_list_each_item_once(run_piper: Runner, workspace: dict[str, Any]) -> None:
    data = standup(run_piper, workspace)

    assert {name: data["sources"][name]["status"] for name in ("git", "github", "todos", "calendar")} == {
        "git": "ok", "github": "ok", "todos": "ok", "calendar": "ok",
    }
    keys = Counter((item["source"], item["kind"], item["id"]) for item in all_items(data))
    assert [key for key, count in keys.items() if count > 1] == []

    commits = [item for item in all_items(data) if item["kind"] == "commit"]
    assert [(item["source"], item["id"]) for item in commits] == [("git", workspace["shared"])]

    titles = {item["source"]: set() for item in all_items(data)}
    for item in all_items(data):
        titles[item["source"]].add(item["title"])
    assert "Merged #1: Export as CSV" in titles["github"]
    assert any("Write the Q3 launch brief" in title for title in titles["todos"])
    assert sorted(titles["calendar"]) == ["09:30-09:45 Daily sync", "15:00-15:30 Launch review"]

    events = [item for item in data["today_priorities"] if item["source"] == "calendar"]
    assert len(events) == 2


def test_failing_sources_reported(run_piper: Runner, workspace: dict[str, Any], github: GitHubServer) -> None:
    github.fail("GET", "/search/issues", 500, times=100)
    workspace["calendar"].unlink()

    data = standup(run_piper, workspace)

    assert data["sources"]["git"]["status"] == "ok"
    assert data["sources"]["todos"]["status"] == "ok"
    assert data["sources"]["calendar"]["status"] == "error"
    assert data["sources"]["github"]["status"] in {"error", "ok"}
    if data["sources"]["github"]["status"] == "ok":
        # A source that lost some of its queries still reports what failed.
        assert data["sources"]["github"].get("errors")
    assert any(item["id"] == workspace["shared"] for item in data["yesterday_accomplishments"])
    assert any("Write the Q3 launch brief" in item["title"] for item in data["today_priorities"])
