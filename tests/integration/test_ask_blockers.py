"""`piper ask "what's blocking Atlas?"` answers offline from blocked todos and git."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture
from tests.gitrepo import GitRepo


def ask(run_piper: Runner, *arguments: str) -> dict:
    result = run_piper("ask", *arguments, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["data"]


def test_ask_blockers_of_project(run_piper: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_piper("project", "add", "Atlas")
    run_piper("todo", "add", "Get pricing sign-off", "--project", "Atlas")
    run_piper("todo", "add", "Book the offsite")
    run_piper("todo", "block", "1", "--reason", "waiting on finance")
    run_piper("todo", "block", "2", "--reason", "venue closed")

    reply = ask(run_piper, "--new", "what's blocking Atlas?")

    assert reply["intent"]["action"] == "analyze_blockers"
    assert reply["workflow_id"] is None
    assert [todo["text"] for todo in reply["result"]["blocked_todos"]] == ["Get pricing sign-off"]
    assert "waiting on finance" in reply["message"]
    assert "venue closed" not in reply["message"]


def test_ask_blockers_include_stopped_merge(run_piper: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo.init(tmp_path / "web")
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    repo.commit("base", now, files={"a.txt": "base\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature change", now, files={"a.txt": "feature\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main change", now, files={"a.txt": "main\n"})
    # The merge stops on the conflict in a.txt, which is what the blocker reports.
    subprocess.run(["git", "merge", "-q", "feature"], cwd=repo.path, capture_output=True, check=False)
    monkeypatch.chdir(repo.path)

    reply = ask(run_piper, "--new", "what's blocking me?")

    assert reply["intent"]["action"] == "analyze_blockers"
    assert [item["kind"] for item in reply["result"]["git_blockers"]] == ["git_operation"]
    assert "Stopped in git" in reply["message"]
