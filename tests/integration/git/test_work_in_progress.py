"""Today's work in progress and blockers from local git state: branches, working trees, stopped operations."""

from __future__ import annotations

import datetime as dt
import subprocess

from piper.integrations.git import BRANCH_RECENCY
from tests.gitrepo import GRACE, GitRepo, run_git
from tests.integration.git.conftest import BEFORE_WINDOW, IN_WINDOW, UNTIL, collect, make_request


def by_kind(items, kind: str) -> list:
    return [item for item in items if item.kind == kind]


def git_may_fail(repo: GitRepo, *arguments: str) -> None:
    """Run a git command that is expected to stop on a conflict."""
    subprocess.run(["git", *arguments], cwd=repo.path, capture_output=True, check=False)


def cloned_with_upstream(workspace) -> tuple[GitRepo, GitRepo]:
    upstream = GitRepo.init(workspace / "upstream")
    upstream.commit("base", BEFORE_WINDOW, files={"README.md": "base\n"})
    clone = GitRepo(workspace / "clone")
    run_git(workspace, "clone", "-q", str(upstream.path), str(clone.path))
    return upstream, clone


async def test_branch_unpushed_commits(workspace):
    upstream, clone = cloned_with_upstream(workspace)
    clone.git("checkout", "-q", "-b", "feature/export")
    clone.git("push", "-q", "-u", "origin", "feature/export")
    for index in range(3):
        clone.commit(f"export step {index}", IN_WINDOW + dt.timedelta(hours=index))

    result = await collect(make_request(repos=[clone.path], authors=["ada@example.com"]))

    [branch] = by_kind(result.today, "branch")
    assert branch.title == "feature/export: 3 unpushed commits"
    assert branch.id == f"{clone.path}#branch:feature/export"
    assert branch.repo == str(clone.path)
    assert branch.source == "git"


async def test_branch_unmerged_without_upstream(workspace):
    _, clone = cloned_with_upstream(workspace)
    clone.git("checkout", "-q", "-b", "spike")
    clone.commit("try an idea", IN_WINDOW)
    clone.commit("try another", IN_WINDOW + dt.timedelta(hours=1))

    result = await collect(make_request(repos=[clone.path]))

    [branch] = by_kind(result.today, "branch")
    assert branch.title == "spike: 2 commits not merged into origin/main"


async def test_branch_unmerged_local_only(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", BEFORE_WINDOW)
    repo.git("checkout", "-q", "-b", "feature/login")
    repo.commit("login form", IN_WINDOW)
    repo.git("checkout", "-q", "-b", "merged")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "merged")

    result = await collect(make_request(repos=[repo.path]))

    titles = [item.title for item in by_kind(result.today, "branch")]
    assert titles == []  # feature/login is merged into main by the fast-forward


async def test_branch_unmerged_local_default(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", BEFORE_WINDOW)
    repo.git("checkout", "-q", "-b", "feature/login")
    repo.commit("login form", IN_WINDOW)
    repo.git("checkout", "-q", "main")

    result = await collect(make_request(repos=[repo.path]))

    titles = [item.title for item in by_kind(result.today, "branch")]
    assert titles == ["feature/login: 1 commit not merged into main"]


async def test_branch_pushed_not_listed(workspace):
    _, clone = cloned_with_upstream(workspace)
    clone.git("checkout", "-q", "-b", "feature/done")
    clone.commit("finished", IN_WINDOW)
    clone.git("push", "-q", "-u", "origin", "feature/done")

    result = await collect(make_request(repos=[clone.path]))

    assert by_kind(result.today, "branch") == []


async def test_branch_old_tip_not_listed(workspace):
    _, clone = cloned_with_upstream(workspace)
    clone.git("checkout", "-q", "-b", "abandoned")
    clone.commit("long ago", UNTIL - BRANCH_RECENCY - dt.timedelta(hours=1))
    clone.git("checkout", "-q", "-b", "recent", "main")
    clone.commit("lately", UNTIL - BRANCH_RECENCY + dt.timedelta(hours=1))

    result = await collect(make_request(repos=[clone.path]))

    assert [item.title for item in by_kind(result.today, "branch")] == ["recent: 1 commit not merged into origin/main"]


async def test_branch_other_author_not_listed(workspace):
    _, clone = cloned_with_upstream(workspace)
    clone.git("checkout", "-q", "-b", "graces-branch")
    clone.commit("by Grace", IN_WINDOW, author=GRACE)

    mine = await collect(make_request(repos=[clone.path], authors=["ada@example.com"]))
    hers = await collect(make_request(repos=[clone.path], authors=["grace@example.com"]))

    assert by_kind(mine.today, "branch") == []
    assert [item.title for item in by_kind(hers.today, "branch")] == ["graces-branch: 1 commit not merged into origin/main"]


async def test_branch_upstream_gone(workspace):
    _, clone = cloned_with_upstream(workspace)
    clone.git("checkout", "-q", "-b", "feature/gone")
    clone.git("push", "-q", "-u", "origin", "feature/gone")
    clone.commit("after the remote branch was deleted", IN_WINDOW)
    clone.git("push", "-q", "origin", "--delete", "feature/gone")
    clone.git("fetch", "-q", "--prune")

    result = await collect(make_request(repos=[clone.path]))

    assert [item.title for item in by_kind(result.today, "branch")] == [
        "feature/gone: 1 commit not merged into origin/main"
    ]


async def test_working_tree_changes(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", BEFORE_WINDOW, files={"a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n", "old.txt": "o\n"})
    (repo.path / "a.txt").write_text("changed\n")
    (repo.path / "b.txt").write_text("staged\n")
    repo.git("add", "b.txt")
    repo.git("mv", "old.txt", "new name with spaces.txt")
    (repo.path / "notes.md").write_text("untracked\n")

    result = await collect(make_request(repos=[repo.path]))

    [item] = by_kind(result.today, "working_tree")
    assert item.title == "3 files changed, 1 untracked"
    assert item.id == f"{repo.path}#working_tree"
    assert item.repo == str(repo.path)


async def test_working_tree_clean(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", IN_WINDOW, files={"a.txt": "a\n"})

    result = await collect(make_request(repos=[repo.path]))

    assert result.today == []
    assert result.blockers == []


async def test_working_tree_no_index_write(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", IN_WINDOW, files={"a.txt": "a\n"})
    index = repo.path / ".git" / "index"
    # Touch the file so that a normal `git status` would refresh and rewrite the index.
    (repo.path / "a.txt").write_text("a\n")
    before = index.stat().st_mtime_ns

    await collect(make_request(repos=[repo.path]))

    assert index.stat().st_mtime_ns == before


async def test_working_tree_other_identity(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", IN_WINDOW, files={"a.txt": "a\n"})
    (repo.path / "a.txt").write_text("changed\n")

    mine = await collect(make_request(repos=[repo.path], authors=["ada@example.com"]))
    others = await collect(make_request(repos=[repo.path], authors=["grace@example.com"]))
    repo.git("config", "user.email", "grace@example.com")
    local_identity = await collect(make_request(repos=[repo.path], authors=["grace@example.com"]))

    assert len(by_kind(mine.today, "working_tree")) == 1
    assert by_kind(others.today, "working_tree") == []
    assert len(by_kind(local_identity.today, "working_tree")) == 1


async def test_working_tree_per_worktree(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", IN_WINDOW, files={"a.txt": "a\n"})
    worktree = workspace / "app-feature"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree))
    (worktree / "a.txt").write_text("changed in the worktree\n")

    result = await collect(make_request(repos=[repo.path, worktree]))

    [item] = by_kind(result.today, "working_tree")
    assert item.repo == str(worktree)
    assert item.title == "1 file changed"


def conflicting_branches(workspace) -> GitRepo:
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", BEFORE_WINDOW, files={"a.txt": "base\n"})
    repo.git("checkout", "-q", "-b", "feature/export")
    repo.commit("feature edit", IN_WINDOW, files={"a.txt": "feature\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main edit", IN_WINDOW + dt.timedelta(hours=1), files={"a.txt": "main\n"})
    return repo


async def test_operation_merge(workspace):
    repo = conflicting_branches(workspace)
    git_may_fail(repo, "merge", "feature/export")
    assert (repo.path / ".git" / "MERGE_HEAD").exists()

    result = await collect(make_request(repos=[repo.path]))

    [blocker] = result.blockers
    assert blocker.kind == "git_operation"
    assert blocker.title == "Merge in progress on main (1 conflicted file)"
    assert blocker.id == f"{repo.path}#git_operation:merge"
    assert blocker.timestamp is not None


async def test_operation_rebase(workspace):
    repo = conflicting_branches(workspace)
    repo.git("checkout", "-q", "feature/export")
    git_may_fail(repo, "rebase", "main")
    assert (repo.path / ".git" / "rebase-merge").is_dir() or (repo.path / ".git" / "rebase-apply").is_dir()

    result = await collect(make_request(repos=[repo.path]))

    [blocker] = result.blockers
    assert blocker.title == "Rebase in progress on feature/export (1 conflicted file)"


async def test_operation_rebase_apply(workspace):
    repo = conflicting_branches(workspace)
    repo.git("checkout", "-q", "feature/export")
    git_may_fail(repo, "rebase", "--apply", "main")
    assert (repo.path / ".git" / "rebase-apply").is_dir()

    result = await collect(make_request(repos=[repo.path]))

    [blocker] = result.blockers
    assert blocker.title.startswith("Rebase in progress on feature/export")


async def test_operation_cherry_pick(workspace):
    repo = conflicting_branches(workspace)
    git_may_fail(repo, "cherry-pick", "feature/export")
    assert (repo.path / ".git" / "CHERRY_PICK_HEAD").exists()

    result = await collect(make_request(repos=[repo.path]))

    [blocker] = result.blockers
    assert blocker.title == "Cherry-pick in progress on main (1 conflicted file)"


async def test_operation_revert(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", BEFORE_WINDOW, files={"a.txt": "one\n"})
    repo.commit("second", IN_WINDOW, files={"a.txt": "two\n"})
    repo.commit("third", IN_WINDOW + dt.timedelta(hours=1), files={"a.txt": "three\n"})
    git_may_fail(repo, "revert", "--no-edit", "HEAD~1")
    assert (repo.path / ".git" / "REVERT_HEAD").exists()

    result = await collect(make_request(repos=[repo.path]))

    [blocker] = result.blockers
    assert blocker.title == "Revert in progress on main (1 conflicted file)"


async def test_operation_in_worktree(workspace):
    repo = conflicting_branches(workspace)
    worktree = workspace / "app-merge"
    repo.git("worktree", "add", "-q", "-b", "integration", str(worktree), "main")
    git_may_fail(GitRepo(worktree), "merge", "feature/export")

    result = await collect(make_request(repos=[repo.path, worktree]))

    [blocker] = result.blockers
    assert blocker.repo == str(worktree)
    assert blocker.title == "Merge in progress on integration (1 conflicted file)"
    assert [item.repo for item in by_kind(result.today, "working_tree")] == [str(worktree)]


async def test_operation_sequencer_after_commit(workspace):
    repo = conflicting_branches(workspace)
    repo.git("checkout", "-q", "feature/export")
    repo.commit("second feature edit", IN_WINDOW + dt.timedelta(hours=2), files={"b.txt": "b\n"})
    repo.git("checkout", "-q", "main")
    git_may_fail(repo, "cherry-pick", "main..feature/export")
    # Resolve the first conflict and commit by hand: CHERRY_PICK_HEAD goes, sequencer/ stays.
    (repo.path / "a.txt").write_text("resolved\n")
    repo.git("add", "a.txt")
    repo.git("commit", "-q", "--no-edit")
    assert not (repo.path / ".git" / "CHERRY_PICK_HEAD").exists()
    assert (repo.path / ".git" / "sequencer" / "todo").is_file()

    result = await collect(make_request(repos=[repo.path]))

    [blocker] = result.blockers
    assert blocker.title == "Cherry-pick in progress on main"


async def test_operation_git_am(workspace):
    repo = conflicting_branches(workspace)
    patch = workspace / "feature.patch"
    patch.write_text(repo.git("format-patch", "--stdout", "-1", "feature/export") + "\n")
    git_may_fail(repo, "am", str(patch))
    assert (repo.path / ".git" / "rebase-apply" / "applying").exists()

    result = await collect(make_request(repos=[repo.path]))

    [blocker] = result.blockers
    assert blocker.title == "git am in progress on main"
