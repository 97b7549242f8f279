"""How the git source reports repositories it cannot read, a missing git, and nothing to read."""

from __future__ import annotations

import os
import shutil

from tests.gitrepo import GitRepo
from tests.integration.git.conftest import IN_WINDOW, RecordingProgress, collect, make_request


def make_readable(workspace, name: str) -> GitRepo:
    repo = GitRepo.init(workspace / name)
    repo.commit(f"work in {name}", IN_WINDOW)
    return repo


def corrupt(repo: GitRepo) -> None:
    """Delete the loose object of HEAD's commit, so git log fails with a bad object."""
    sha = repo.head()
    (repo.path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()


async def test_failure_corrupt_repository_recorded(workspace):
    good = make_readable(workspace, "good")
    broken = make_readable(workspace, "broken")
    corrupt(broken)

    result = await collect(make_request(repos=[good.path, broken.path]))

    assert result.status == "ok"
    assert result.details["repos"] == 1
    [error] = result.details["errors"]
    assert error["repo"] == str(broken.path)
    assert error["error"]
    assert [item.title for item in result.yesterday] == ["work in good"]


async def test_failure_dubious_ownership(workspace):
    good = make_readable(workspace, "good")
    foreign = make_readable(workspace, "foreign")
    # git refuses a repository owned by another user unless safe.directory allows it.
    for folder, _, files in os.walk(foreign.path):
        os.chown(folder, 12345, 12345)
        for name in files:
            os.chown(os.path.join(folder, name), 12345, 12345)

    result = await collect(make_request(repos=[good.path, foreign.path]))

    assert result.status == "ok"
    [error] = result.details["errors"]
    assert error["repo"] == str(foreign.path)
    assert "dubious ownership" in error["error"]


async def test_failure_every_repository_broken(workspace):
    broken = make_readable(workspace, "broken")
    corrupt(broken)

    result = await collect(make_request(repos=[broken.path]))

    assert result.status == "error"
    assert str(broken.path) in result.reason
    assert result.details["repos"] == 0
    assert len(result.details["errors"]) == 1
    assert result.summary()["status"] == "error"


async def test_failure_missing_repo_path(workspace):
    good = make_readable(workspace, "good")

    result = await collect(make_request(repos=[good.path, workspace / "gone"]))

    assert result.status == "ok"
    assert result.details["errors"] == [{"repo": str(workspace / "gone"), "error": f"{workspace / 'gone'} does not exist."}]


async def test_failure_stale_worktree_in_scan(workspace):
    good = make_readable(workspace, "good")
    worktree = workspace / "stale"
    good.git("worktree", "add", "-q", "-b", "stale", str(worktree))
    shutil.rmtree(good.path / ".git" / "worktrees")

    result = await collect(make_request(scan=[workspace], depth=1))

    assert result.status == "ok"
    assert result.details["repos"] == 1
    [error] = result.details["errors"]
    assert error["repo"] == str(worktree)
    assert "git worktree repair" in error["error"]


async def test_failure_git_not_installed(workspace, monkeypatch):
    good = make_readable(workspace, "good")
    monkeypatch.setenv("PATH", str(workspace / "no-binaries-here"))

    result = await collect(make_request(repos=[good.path]))

    assert result.status == "error"
    assert result.reason == "git is not installed or not on PATH."


async def test_failure_nothing_to_read():
    result = await collect(make_request())

    assert result.status == "skipped"
    assert "--repo" in result.reason
    assert result.summary() == {"status": "skipped", "reason": result.reason}


async def test_failure_scan_finds_nothing(workspace):
    (workspace / "not-a-repo").mkdir()

    result = await collect(make_request(scan=[workspace]))

    assert result.status == "skipped"
    assert str(workspace) in result.reason


async def test_failure_errors_omitted_when_none(workspace):
    good = make_readable(workspace, "good")

    result = await collect(make_request(repos=[good.path]))

    assert result.details == {"repos": 1}
    assert result.summary() == {"status": "ok", "repos": 1}


async def test_progress_reports_each_repository(workspace):
    for name in ("a", "b", "c"):
        make_readable(workspace, name)
    progress = RecordingProgress()

    await collect(make_request(scan=[workspace], depth=1), progress)

    assert progress.calls[0] == ("add_task", "Reading repositories", None)
    assert progress.calls[1] == ("update_total", 7, 3)
    assert progress.calls[2:] == [("advance", 7, 1)] * 3
