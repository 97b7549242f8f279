"""`piper standup` end to end: real repositories, real database, the real entry point."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.gitrepo import GitRepo

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
ADA = ("Ada Lovelace", "ada@example.com")
GRACE = ("Grace Hopper", "grace@example.com")
MONDAY = dt.date(2026, 3, 9)


def write_config(home: Path, text: str) -> Path:
    path = home / "config" / "PIPER.user.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def berlin_identity(home: Path, *emails: str) -> None:
    listed = ", ".join(emails or ("ada@example.com",))
    write_config(home, f"# Me\n\n```yaml\nidentity:\n  name: Ada Lovelace\n  emails: [{listed}]\n  timezone: Europe/Berlin\n```\n")


def git_log_in_window(repo: GitRepo, since: dt.datetime, until: dt.datetime, emails: set[str]) -> list[str]:
    """Return what plain git log finds: commits of the authors whose author date is in the window."""
    lines = repo.git("log", "--branches", "--remotes", "HEAD", "--no-merges", "--format=%H %aI %aE").splitlines()
    shas = []
    for line in lines:
        sha, authored, email = line.split(" ")
        moment = dt.datetime.fromisoformat(authored)
        if since <= moment < until and email.lower() in emails:
            shas.append(sha)
    return shas


@pytest.fixture
def busy_repo(tmp_path: Path) -> GitRepo:
    """A repository with two authors, three time zones, a merge and a feature branch around a Monday."""
    repo = GitRepo.init(tmp_path / "web")
    repo.commit("Old work", dt.datetime(2026, 3, 4, 10, tzinfo=BERLIN), files={"a.txt": "1"})
    repo.commit("Thursday late in LA", dt.datetime(2026, 3, 5, 16, 30, tzinfo=LOS_ANGELES), files={"a.txt": "2"})
    repo.commit("Friday morning", dt.datetime(2026, 3, 6, 9, tzinfo=BERLIN), files={"a.txt": "3"})
    repo.commit("Grace on Friday", dt.datetime(2026, 3, 6, 11, tzinfo=BERLIN), author=GRACE, files={"b.txt": "1"})
    repo.git("checkout", "-q", "-b", "feature/export")
    repo.commit("Saturday from Tokyo", dt.datetime(2026, 3, 8, 1, tzinfo=TOKYO), files={"c.txt": "1"})
    repo.git("checkout", "-q", "main")
    repo.commit("Monday fix", dt.datetime(2026, 3, 9, 8, tzinfo=BERLIN), files={"a.txt": "4"})
    merge_env = {
        "GIT_AUTHOR_DATE": "2026-03-09T10:00:00+01:00",
        "GIT_COMMITTER_DATE": "2026-03-09T10:00:00+01:00",
    }
    repo.git("merge", "-q", "--no-ff", "-m", "Merge feature/export", "feature/export", env=merge_env)
    repo.commit("Tuesday work", dt.datetime(2026, 3, 10, 9, tzinfo=BERLIN), files={"a.txt": "5"})
    return repo


def test_standup_matches_git_log_on_monday(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)

    result = run_piper("standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--json", "--source", "git")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    since = dt.datetime(2026, 3, 6, tzinfo=BERLIN)
    until = dt.datetime(2026, 3, 10, tzinfo=BERLIN)
    assert data["window"] == {"since": since.isoformat(), "until": until.isoformat()}
    found = [item["id"] for item in data["yesterday_accomplishments"]]
    expected = git_log_in_window(busy_repo, since, until, {"ada@example.com"})
    assert sorted(found) == sorted(expected)
    # Thursday 16:30 in Los Angeles is Friday 01:30 in Berlin, so it belongs to Monday's window.
    titles = [item["title"] for item in data["yesterday_accomplishments"]]
    assert titles == ["Thursday late in LA", "Friday morning", "Saturday from Tokyo", "Monday fix"]
    assert data["sources"]["git"] == {
        "status": "ok",
        "repos": 1,
        "work_in_progress": "left out because the window ended in the past",
    }


def test_standup_window_in_configured_zone(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    # In Los Angeles the window starts Friday 00:00 -08:00, which is exactly Friday 09:00 in Berlin.
    write_config(isolated_environment, "```yaml\nidentity:\n  emails: [ada@example.com]\n  timezone: America/Los_Angeles\n```\n")

    data = run_piper("standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--json").json()["data"]

    titles = [item["title"] for item in data["yesterday_accomplishments"]]
    assert data["window"]["since"] == "2026-03-06T00:00:00-08:00"
    assert data["window"]["until"] == "2026-03-10T00:00:00-07:00"
    assert titles[0] == "Friday morning"
    assert "Thursday late in LA" not in titles
    assert "Tuesday work" not in titles  # 00:00 in Los Angeles on Tuesday: the window's end is excluded


def test_standup_author_all_and_several(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    arguments = ["standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--json", "--source", "git"]

    everyone = run_piper(*arguments, "--author", "all").json()["data"]
    both = run_piper(*arguments, "--author", "GRACE@example.com", "--author", "Ada Lovelace").json()["data"]
    grace = run_piper(*arguments, "--author", "Grace Hopper").json()["data"]

    assert everyone["authors"] == ["all"]
    assert len(everyone["yesterday_accomplishments"]) == 5
    assert len(both["yesterday_accomplishments"]) == 5
    assert [item["title"] for item in grace["yesterday_accomplishments"]] == ["Grace on Friday"]


def test_standup_default_author_is_git_email(run_piper: Runner, busy_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(busy_repo.path)

    data = run_piper("standup", "--date", MONDAY.isoformat(), "--json", "--since", "2026-03-06", "--until", "2026-03-09").json()["data"]

    assert data["authors"] == ["ada@example.com"]
    assert data["window"]["until"].startswith("2026-03-10T00:00:00")
    assert {item["title"] for item in data["yesterday_accomplishments"]} >= {"Friday morning", "Monday fix"}


def test_standup_merge_commits_left_out(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)

    data = run_piper("standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--json").json()["data"]

    assert all(not item["title"].startswith("Merge") for item in data["yesterday_accomplishments"])


def test_standup_in_folder_without_repository(run_piper: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    result = run_piper("standup", "--json")

    assert result.exit_code == 0
    git = result.json()["data"]["sources"]["git"]
    assert git["status"] == "skipped"
    assert git["reason"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--bogus"], "No such option"),
        (["--date", "2026-02-30"], "--date"),
        (["--date", "tomorrow"], "--date"),
        (["--date", "2999-01-01"], "in the future"),
        (["--since", "last week"], "--since"),
        (["--until", "03/09/2026"], "--until"),
        (["--since", "2026-03-09", "--until", "2026-03-01"], "window is empty"),
        (["--workdays", "Mon-Fry"], "--workdays"),
        (["--source", "jira"], "--source"),
        (["--format", "html"], "--format"),
        (["--depth", "-1", "--scan", "."], "--depth"),
        (["--post", "email:me"], "--post"),
        (["--json", "--format", "text"], "--json"),
    ],
)
def test_standup_usage_errors_exit_2(run_piper: Runner, arguments: list[str], message: str) -> None:
    result = run_piper("standup", *arguments)

    assert result.exit_code == 2
    assert message in result.error_text + result.stdout


def test_standup_missing_repo_exit_2(run_piper: Runner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"

    result = run_piper("standup", "--repo", str(missing))

    assert result.exit_code == 2
    assert str(missing) in result.error_text
    assert "does not exist" in result.error_text


def test_standup_missing_repo_json_envelope(run_piper: Runner, tmp_path: Path) -> None:
    result = run_piper("standup", "--repo", str(tmp_path / "nowhere"), "--json")

    envelope = result.json()
    assert result.exit_code == 2
    assert envelope["status"] == "error"
    assert "nowhere" in envelope["error"]
    assert envelope["details"]["path"] == str(tmp_path / "nowhere")


def test_standup_non_repository_exit_2(run_piper: Runner, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()

    result = run_piper("standup", "--repo", str(plain))

    assert result.exit_code == 2
    assert "is not a git repository" in result.error_text


def test_standup_unknown_flag_json_envelope(run_piper: Runner) -> None:
    result = run_piper("standup", "--json", "--bogus")

    assert result.exit_code == 2
    assert result.json()["status"] == "error"


def test_standup_malformed_config(run_piper: Runner, isolated_environment: Path, busy_repo: GitRepo) -> None:
    path = write_config(isolated_environment, "# Me\n\n```yaml\nidentity:\n  timezone: Europe/Berln\n```\n")

    result = run_piper("standup", "--repo", str(busy_repo.path))

    assert result.exit_code == 1
    assert f"{path}:5" in result.error_text
    assert "Europe/Berln" in result.error_text


def test_standup_unreadable_repo_reported(run_piper: Runner, busy_repo: GitRepo, tmp_path: Path, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    broken = GitRepo.init(tmp_path / "broken")
    broken.commit("Friday in broken", dt.datetime(2026, 3, 6, 9, tzinfo=BERLIN))
    for loose_object in (broken.path / ".git" / "objects").glob("??/*"):
        loose_object.chmod(0o644)
        loose_object.write_bytes(b"garbage")

    result = run_piper("standup", "--repo", str(busy_repo.path), "--repo", str(broken.path), "--date", MONDAY.isoformat(), "--json")

    assert result.exit_code == 0, result.stderr
    git = result.json()["data"]["sources"]["git"]
    assert git["status"] == "ok"
    assert [error["repo"] for error in git["errors"]] == [str(broken.path)]
    assert len(result.json()["data"]["yesterday_accomplishments"]) == 4


def test_standup_scan_finds_repositories(run_piper: Runner, tmp_path: Path, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    root = tmp_path / "code"
    for name in ("api", "web", "deep/nested/app"):
        GitRepo.init(root / name).commit(f"Friday in {name}", dt.datetime(2026, 3, 6, 9, tzinfo=BERLIN))
    GitRepo.init(root / "web" / "node_modules" / "lib").commit("vendored", dt.datetime(2026, 3, 6, 9, tzinfo=BERLIN))

    shallow = run_piper("standup", "--scan", str(root), "--depth", "1", "--date", MONDAY.isoformat(), "--json").json()["data"]
    deep = run_piper("standup", "--scan", str(root), "--date", MONDAY.isoformat(), "--json").json()["data"]

    assert sorted(item["title"] for item in shallow["yesterday_accomplishments"]) == ["Friday in api", "Friday in web"]
    assert shallow["sources"]["git"]["repos"] == 2
    assert deep["sources"]["git"]["repos"] == 3


def test_standup_includes_todos(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    run_piper("todo", "add", "Draft the pricing page", "--priority", "urgent")
    run_piper("todo", "add", "Chase legal review")
    run_piper("todo", "block", "2", "--reason", "waiting on legal")

    data = run_piper("standup", "--repo", str(busy_repo.path), "--json").json()["data"]

    assert [item["title"] for item in data["today_priorities"] if item["source"] == "todos"][0].startswith("Draft the pricing page")
    assert any("waiting on legal" in item["title"] for item in data["blockers"])
    assert data["sources"]["todos"]["status"] == "ok"


def test_standup_output_file_and_history(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path, tmp_path: Path) -> None:
    berlin_identity(isolated_environment)
    target = tmp_path / "standup.md"

    written = run_piper("standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--output", str(target))
    history = run_piper("standup", "--history", "--json")
    shown = run_piper("standup", "--show", str(history.json()["data"]["runs"][0]["id"]), "--format", "text")

    assert written.exit_code == 0
    assert target.read_text().startswith("# Standup for Monday 9 March 2026")
    assert "Monday fix" in target.read_text()
    assert len(history.json()["data"]["runs"]) == 1
    assert history.json()["data"]["runs"][0]["date"] == MONDAY.isoformat()
    assert "Monday fix" in shown.stdout


def test_standup_show_unknown_run(run_piper: Runner) -> None:
    result = run_piper("standup", "--show", "99", "--json")

    assert result.exit_code == 1
    assert result.json()["status"] == "error"
    assert "99" in result.json()["error"]


def test_standup_formats_print_same_commits(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    arguments = ["standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--no-save"]

    for format_name in ("text", "markdown", "slack", "rich"):
        result = run_piper(*arguments, "--format", format_name)
        assert result.exit_code == 0, (format_name, result.stderr)
        assert "Monday fix" in result.stdout, format_name
        assert "Grace on Friday" not in result.stdout, format_name


def test_standup_locked_database_still_prints(
    run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    berlin_identity(isolated_environment)
    run_piper("todo", "add", "Create the database")
    monkeypatch.setenv("PIPER_DATABASE_BUSY_TIMEOUT", "0.2")
    holder = sqlite3.connect(isolated_environment / "data" / "piper.db")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_piper("standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--json")
    finally:
        holder.rollback()
        holder.close()

    assert result.exit_code == 0
    data = result.json()["data"]
    assert [item["title"] for item in data["yesterday_accomplishments"]][-1] == "Monday fix"
    # WAL lets the todos source read past the writer; only saving to the history waits and gives up.
    assert data["sources"]["todos"]["status"] == "ok"
    assert "not saved to the history" in result.error_text
    assert "locked" in result.error_text


def test_standup_json_is_single_document(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)

    result = run_piper("standup", "--repo", str(busy_repo.path), "--json")

    assert json.loads(result.stdout)["status"] == "success"


def test_standup_clones_report_commit_once(run_piper: Runner, busy_repo: GitRepo, tmp_path: Path, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    clone = tmp_path / "web-hotfix"
    busy_repo.git("clone", "-q", str(busy_repo.path), str(clone))

    data = run_piper("standup", "--repo", str(busy_repo.path), "--repo", str(clone), "--date", MONDAY.isoformat(), "--json").json()["data"]

    ids = [item["id"] for item in data["yesterday_accomplishments"]]
    assert len(ids) == len(set(ids))
    assert len(ids) == 4


def test_standup_past_date_leaves_out_current_state(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    (busy_repo.path / "draft.txt").write_text("uncommitted\n")

    past = run_piper("standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--json").json()["data"]
    today = run_piper("standup", "--repo", str(busy_repo.path), "--json").json()["data"]

    assert [item for item in past["today_priorities"] if item["kind"] == "working_tree"] == []
    assert [item["kind"] for item in today["today_priorities"] if item["source"] == "git"] == ["working_tree"]
    assert "work_in_progress" not in today["sources"]["git"]


def test_standup_non_utf8_folder_name(run_piper: Runner, tmp_path: Path, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9-repo"))
    GitRepo.init(folder).commit("Friday in caf\u00e9", dt.datetime(2026, 3, 6, 9, tzinfo=BERLIN))
    target = tmp_path / "out.md"

    result = run_piper("standup", "--scan", str(tmp_path), "--date", MONDAY.isoformat(), "--json", "--output", str(target))

    assert result.exit_code == 0, result.stderr
    repo = result.json()["data"]["yesterday_accomplishments"][0]["repo"]
    assert repo.endswith("caf\ufffd-repo")
    assert "caf\ufffd-repo" in target.read_text()


def test_standup_output_keeps_link_and_mode(run_piper: Runner, busy_repo: GitRepo, tmp_path: Path, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    shared = tmp_path / "shared.md"
    shared.write_text("old\n")
    shared.chmod(0o664)
    link = tmp_path / "link.md"
    link.symlink_to(shared)

    result = run_piper("standup", "--repo", str(busy_repo.path), "--date", MONDAY.isoformat(), "--output", str(link))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert link.is_symlink()
    assert shared.read_text().startswith("# Standup for Monday 9 March 2026")
    assert shared.stat().st_mode & 0o777 == 0o664


def test_standup_output_json_file_only(run_piper: Runner, busy_repo: GitRepo, tmp_path: Path, isolated_environment: Path) -> None:
    berlin_identity(isolated_environment)
    target = tmp_path / "standup.json"

    inferred = run_piper("standup", "--repo", str(busy_repo.path), "--output", str(target))
    explicit = run_piper("standup", "--repo", str(busy_repo.path), "--output", str(tmp_path / "s.md"), "--json")

    assert inferred.stdout == ""
    assert json.loads(target.read_text())["status"] == "success"
    assert json.loads(explicit.stdout)["status"] == "success"
    # --json is --format json, so it also decides the file's format.
    assert json.loads((tmp_path / "s.md").read_text())["status"] == "success"


def test_standup_global_option_after_command(run_piper: Runner) -> None:
    result = run_piper("standup", "-v")

    assert result.exit_code == 2
    assert "put it before the command: piper -v standup" in result.error_text


def test_standup_item_kinds_are_documented(run_piper: Runner, busy_repo: GitRepo, isolated_environment: Path) -> None:
    # The contract's kinds plus the three for local git state; README lists the same set.
    berlin_identity(isolated_environment)
    (busy_repo.path / "draft.txt").write_text("uncommitted\n")
    busy_repo.git("checkout", "-q", "-b", "feature/csv")
    busy_repo.commit("Local only", dt.datetime(2026, 3, 10, 10, tzinfo=BERLIN), files={"d.txt": "1"})
    run_piper("todo", "add", "Write the PRD")

    data = run_piper("standup", "--repo", str(busy_repo.path), "--json", "--author", "all").json()["data"]

    kinds = {item["kind"] for section in ("yesterday_accomplishments", "today_priorities", "blockers") for item in data[section]}
    assert kinds <= {"commit", "pull_request", "issue", "review", "todo", "event", "branch", "working_tree", "git_operation"}
    assert {"todo", "working_tree"} <= kinds
