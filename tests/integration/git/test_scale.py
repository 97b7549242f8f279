"""Cost of reading: git prunes old history, few processes per repository, a cap on processes at once."""

from __future__ import annotations

import asyncio
import datetime as dt

from piper.integrations.git._log import FIRST_BATCH, OLDER_COMMITS_BEFORE_STOP
from piper.integrations.git import (
    ActivityQuery,
    AuthorMatcher,
    GitRunner,
    find_repository,
    read_activity,
    stream_commits,
)
from tests.gitrepo import ADA, GRACE, FastImportCommit, GitRepo, run_git
from tests.integration.git.conftest import IN_WINDOW, SINCE, UNTIL, collect, make_request

QUERY = ActivityQuery(since=SINCE, until=UNTIL, authors=AuthorMatcher(["ada@example.com"]))


def long_history(repo: GitRepo, *, old_commits: int, recent_commits: int) -> None:
    """Write ``old_commits`` spread over five years before the window, then ``recent_commits`` inside it."""
    start = SINCE - dt.timedelta(days=5 * 365)
    step = (SINCE - dt.timedelta(days=10) - start) / old_commits
    commits = [
        FastImportCommit(
            message=f"old change {index}",
            authored_at=start + step * index,
            author=ADA if index % 2 else GRACE,
            branch="main" if index % 7 else "release",
        )
        for index in range(old_commits)
    ]
    commits += [
        FastImportCommit(message=f"recent change {index}", authored_at=IN_WINDOW + dt.timedelta(minutes=index))
        for index in range(recent_commits)
    ]
    repo.fast_import(commits)


async def test_scale_reading_stops_past_window(workspace):
    repo = GitRepo.init(workspace / "big")
    long_history(repo, old_commits=5000, recent_commits=3)
    runner = GitRunner(2)

    printed = [commit async for commit in stream_commits(runner, repo.path, SINCE)]
    result = await collect(make_request(repos=[repo.path], authors=["ada@example.com"]))

    # 5,003 commits in the repository; reading stops a fixed number of commits past the margin.
    assert [commit.subject for commit in printed[:3]] == ["recent change 2", "recent change 1", "recent change 0"]
    assert len(printed) == 3 + OLDER_COMMITS_BEFORE_STOP
    assert [item.title for item in result.yesterday] == ["recent change 0", "recent change 1", "recent change 2"]


async def test_scale_three_processes_per_repository(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("work", IN_WINDOW, files={"a.txt": "a\n"})
    runner = GitRunner(4)

    activity = await read_activity(runner, [find_repository(repo.path)], QUERY)

    assert len(activity.commits) == 1
    assert runner.processes_started == 3  # log, for-each-ref, status


async def test_scale_bare_repository_two_processes(workspace):
    repo = GitRepo.init(workspace / "server.git", bare=True)
    runner = GitRunner(4)

    await read_activity(runner, [find_repository(repo.path)], QUERY)

    assert runner.processes_started == 2  # log, for-each-ref


async def test_scale_process_cap(workspace):
    checkouts = []
    for index in range(8):
        repo = GitRepo.init(workspace / f"repo-{index}")
        repo.commit(f"work {index}", IN_WINDOW)
        checkouts.append(find_repository(repo.path))
    runner = GitRunner(2)

    activities = await asyncio.gather(*(read_activity(runner, [checkout], QUERY) for checkout in checkouts))

    assert len(activities) == 8
    assert runner.processes_started == 24
    assert runner.max_running == 2


async def test_scale_many_repositories_scan(workspace):
    for index in range(12):
        repo = GitRepo.init(workspace / "projects" / f"project-{index:02d}")
        repo.commit(f"work in {index}", IN_WINDOW + dt.timedelta(minutes=index))

    result = await collect(make_request(scan=[workspace / "projects"], depth=1, max_git_processes=8))

    assert result.details == {"repos": 12}
    assert [item.title for item in result.yesterday] == [f"work in {index}" for index in range(12)]


async def test_scale_stale_branches_not_counted(workspace):
    upstream = GitRepo.init(workspace / "upstream")
    upstream.commit("base", SINCE - dt.timedelta(days=400))
    clone = GitRepo(workspace / "clone")
    run_git(workspace, "clone", "-q", str(upstream.path), str(clone.path))
    for index in range(5):
        clone.git("checkout", "-q", "-b", f"old-{index}", "--track", "origin/main")
        clone.commit(f"abandoned {index}", SINCE - dt.timedelta(days=300))
    clone.git("checkout", "-q", "main")
    runner = GitRunner(4)

    await read_activity(runner, [find_repository(clone.path)], QUERY)

    # Ahead counts walk history, so branches older than the recency limit get none.
    assert runner.processes_started == 3


async def test_scale_recent_branches_one_tracking_query(workspace):
    upstream = GitRepo.init(workspace / "upstream")
    upstream.commit("base", SINCE - dt.timedelta(days=400))
    clone = GitRepo(workspace / "clone")
    run_git(workspace, "clone", "-q", str(upstream.path), str(clone.path))
    for index in range(3):
        clone.git("checkout", "-q", "-b", f"recent-{index}", "--track", "origin/main")
        clone.commit(f"recent {index}", IN_WINDOW)
    runner = GitRunner(4)

    activity = await read_activity(runner, [find_repository(clone.path)], QUERY)

    assert sorted(branch.name for branch in activity.branches) == ["recent-0", "recent-1", "recent-2"]
    assert runner.processes_started == 4


async def test_scale_window_longer_than_batch(workspace):
    # More commits in the window than the first `git log --max-count` batch: the next batch continues.
    repo = GitRepo.init(workspace / "busy")
    long_history(repo, old_commits=50, recent_commits=FIRST_BATCH + 40)

    result = await collect(make_request(repos=[repo.path], authors=["ada@example.com"]))

    assert len(result.yesterday) == FIRST_BATCH + 40
    assert len({item.id for item in result.yesterday}) == FIRST_BATCH + 40
