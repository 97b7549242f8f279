"""`piper standup --source git --source github` against the GitHub double and a real git repository."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.github_server import GitHubServer
from tests.gitrepo import GitRepo
from tests.integrations.github.conftest import write_config

USER = "octokit-fixture-user-a"
WEB = "acme/web"
API = "acme/api"


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def busy_github(github_env: GitHubServer, tmp_path: Path) -> dict[str, Any]:
    """A git repository and GitHub activity of the same user, with one commit in both."""
    server = github_env
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    recent = now - dt.timedelta(hours=2)
    stale = now - dt.timedelta(days=9)

    repo = GitRepo.init(tmp_path / "web")
    shared_sha = repo.commit("Fix the export button", now - dt.timedelta(hours=3))
    local_sha = repo.commit("Tidy the README", now - dt.timedelta(hours=1))

    server.add_commit(WEB, shared_sha, "Fix the export button", author=USER, date=iso(now - dt.timedelta(hours=3)))
    pushed_elsewhere = "ab" * 20
    server.add_commit(API, pushed_elsewhere, "Add rate limit headers\n\nLong body.", author=USER, date=iso(recent))

    merged = server.add_issue(WEB, "Export as CSV", pull_request=True, author=USER, state="closed",
                              closed_at=iso(recent), updated_at=iso(recent), _merged_at=iso(recent))
    merged["pull_request"]["merged_at"] = iso(recent)
    reviewed = server.add_issue(API, "Paginate the audit log", pull_request=True, author="grace", updated_at=iso(recent))
    server.add_review(API, reviewed["number"], author=USER, state="APPROVED", submitted_at=iso(recent))
    server.add_issue(WEB, "Login page typo", author="grace", assignees=[USER], state="closed", closed_at=iso(recent), updated_at=iso(recent))

    server.add_issue(API, "Bump the SDK", pull_request=True, author="grace", _requested_reviewers=[USER], updated_at=iso(recent))
    server.add_issue(WEB, "Dark mode", assignees=[USER], updated_at=iso(recent))
    server.add_issue(WEB, "Waiting on legal", assignees=[USER], labels=["status: blocked"], updated_at=iso(recent))
    needs_work = server.add_issue(WEB, "Rework settings page", pull_request=True, author=USER, updated_at=iso(recent))
    server.add_review(WEB, needs_work["number"], author="grace", state="CHANGES_REQUESTED", submitted_at=iso(recent))
    server.add_issue(API, "Flaky deploy", pull_request=True, author=USER, _checks="failure", updated_at=iso(recent))
    server.add_issue(API, "Old experiment", pull_request=True, author=USER, updated_at=iso(stale), created_at=iso(stale))

    return {"server": server, "repo": repo, "shared": shared_sha, "local": local_sha, "pushed": pushed_elsewhere, "since": (now - dt.timedelta(days=1)).date()}


def standup(run_piper: Runner, busy: dict[str, Any]) -> dict[str, Any]:
    result = run_piper("standup", "--source", "git", "--source", "github", "--repo", str(busy["repo"].path),
                       "--since", busy["since"].isoformat(), "--json", "--no-save")
    assert result.exit_code == 0, result.stderr
    return result.json()["data"]


def test_each_commit_listed_once(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    data = standup(run_piper, busy_github)
    commits = [item for item in data["yesterday_accomplishments"] if item["kind"] == "commit"]
    ids = [item["id"] for item in commits]

    assert sorted(ids) == sorted([busy_github["shared"], busy_github["local"], busy_github["pushed"]])
    assert len(ids) == len(set(ids))
    shared = next(item for item in commits if item["id"] == busy_github["shared"])
    assert shared["source"] == "git"
    pushed = next(item for item in commits if item["id"] == busy_github["pushed"])
    assert pushed["source"] == "github"
    assert pushed["title"] == "Add rate limit headers"
    assert pushed["repo"] == API


def test_yesterday_has_merges_reviews_closes(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    data = standup(run_piper, busy_github)
    github = {item["title"]: item for item in data["yesterday_accomplishments"] if item["source"] == "github" and item["kind"] != "commit"}

    assert set(github) == {"Merged #1: Export as CSV", "Reviewed #1: Paginate the audit log (approved)", "Closed #2: Login page typo"}
    assert github["Merged #1: Export as CSV"]["kind"] == "pull_request"
    assert github["Merged #1: Export as CSV"]["id"] == f"{WEB}#1"
    assert github["Reviewed #1: Paginate the audit log (approved)"]["kind"] == "review"
    assert github["Closed #2: Login page typo"]["kind"] == "issue"
    assert github["Closed #2: Login page typo"]["url"].endswith(f"/{WEB}/issues/2")


def test_today_and_blockers(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    data = standup(run_piper, busy_github)
    today = [item["title"] for item in data["today_priorities"] if item["source"] == "github"]
    blockers = [item["title"] for item in data["blockers"] if item["source"] == "github"]

    assert sorted(today) == ["Assigned #3: Dark mode", "Review requested #2: Bump the SDK"]
    assert "Assigned #4: Waiting on legal (labelled blocked)" in blockers
    assert "Open #5: Rework settings page (changes requested)" in blockers
    assert "Open #3: Flaky deploy (checks failing)" in blockers
    assert "Watch: Open #4: Old experiment (idle 9 days)" in blockers
    assert len(blockers) == 4
    listed = [item["id"] for section in ("yesterday_accomplishments", "today_priorities", "blockers") for item in data[section]]
    assert len(listed) == len(set(listed))


def test_source_summary(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    data = standup(run_piper, busy_github)

    assert data["sources"]["github"]["status"] == "ok"
    assert data["sources"]["github"]["user"] == USER
    assert data["sources"]["git"]["status"] == "ok"


def test_configured_repositories_limit_search(run_piper: Runner, busy_github: dict[str, Any], isolated_environment: Path) -> None:
    write_config(isolated_environment, f"  repositories: [{WEB}]\n")
    data = standup(run_piper, busy_github)
    repos = {item["repo"] for section in ("yesterday_accomplishments", "today_priorities", "blockers")
             for item in data[section] if item["source"] == "github"}

    assert repos == {WEB}
    searches = busy_github["server"].requests_to("GET", "/search/")
    assert all(f"repo:{WEB}" in request.query["q"][0] for request in searches)


def test_no_token_is_skipped(run_piper: Runner, busy_github: dict[str, Any], no_token: None) -> None:
    data = standup(run_piper, busy_github)

    assert data["sources"]["github"] == {"status": "skipped", "reason": "no token configured"}
    assert data["sources"]["git"]["status"] == "ok"
    assert not busy_github["server"].requests


def test_rejected_token_is_error(run_piper: Runner, busy_github: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_rejected_value_1234")
    result = run_piper("standup", "--source", "git", "--source", "github", "--repo", str(busy_github["repo"].path), "--json", "--no-save")
    data = result.json()["data"]

    assert result.exit_code == 0
    assert data["sources"]["github"]["status"] == "error"
    assert "rejected the token" in data["sources"]["github"]["reason"]
    assert "piper auth login github" in data["sources"]["github"]["reason"]
    assert "ghp_rejected_value_1234" not in result.stdout + result.stderr


def test_server_down_is_error(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    busy_github["server"].fail("GET", "/search/issues", 503, body={"message": "Service Unavailable"}, times=100)
    data = standup(run_piper, busy_github)

    assert data["sources"]["github"]["status"] == "error"
    assert "503" in data["sources"]["github"]["reason"]
    assert any(item["source"] == "git" for item in data["yesterday_accomplishments"])


def test_identity_login_skips_user_lookup(run_piper: Runner, busy_github: dict[str, Any], isolated_environment: Path) -> None:
    config = isolated_environment / "config" / "PIPER.user.md"
    config.write_text(config.read_text() + f"\n```yaml\nidentity:\n  github: {USER}\n```\n")
    data = standup(run_piper, busy_github)

    assert data["sources"]["github"]["user"] == USER
    assert not busy_github["server"].requests_to("GET", "/user$")


def test_search_pages_followed(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    server = busy_github["server"]
    recent = iso(dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    for index in range(5):
        server.add_issue(API, f"Assigned task {index}", assignees=[USER], updated_at=recent)
    data = standup(run_piper, busy_github)
    assigned = [item["title"] for item in data["today_priorities"] if item["title"].startswith("Assigned")]

    assert len(assigned) == 6
    assert len(assigned) == len(set(assigned))
    assert any("page" in request.query for request in server.requests_to("GET", "/search/issues"))


def test_past_day_has_no_open_work(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    since = busy_github["since"]
    before = since - dt.timedelta(days=1)
    result = run_piper("standup", "--source", "github", "--since", before.isoformat(), "--until", before.isoformat(), "--json", "--no-save")
    data = result.json()["data"]

    assert result.exit_code == 0, result.stderr
    assert data["yesterday_accomplishments"] == []
    assert data["today_priorities"] == []
    assert data["blockers"] == []
    assert not any("is:open" in request.query["q"][0] for request in busy_github["server"].requests_to("GET", "/search/issues"))


def test_rejected_query_keeps_others(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    busy_github["server"].fail("GET", "/search/commits", 422, body={"message": "Validation Failed", "errors": [{"message": "commit search is off"}]})
    data = standup(run_piper, busy_github)
    github = data["sources"]["github"]

    assert github["status"] == "ok"
    assert len(github["errors"]) == 1
    assert github["errors"][0]["query"].startswith(f"author:{USER} author-date:")
    assert github["errors"][0]["error"].endswith("Validation Failed (commit search is off).")
    assert busy_github["pushed"] not in [item["id"] for item in data["yesterday_accomplishments"]]
    assert any(item["title"] == "Merged #1: Export as CSV" for item in data["yesterday_accomplishments"])


def test_every_query_rejected_is_error(run_piper: Runner, busy_github: dict[str, Any]) -> None:
    server = busy_github["server"]
    server.fail("GET", "/search/", 422, body={"message": "Validation Failed", "errors": [{"message": "search is off"}]}, times=100)
    data = standup(run_piper, busy_github)

    assert data["sources"]["github"]["status"] == "error"
    assert data["sources"]["github"]["reason"].startswith("every GitHub query failed: ")
    assert "search is off" in data["sources"]["github"]["reason"]
