"""Which history is read: every branch, remote-tracking branch and HEAD, each commit once, no merges."""

from __future__ import annotations

import datetime as dt

from tests.gitrepo import GRACE, GitRepo, run_git
from tests.integration.git.conftest import BEFORE_WINDOW, IN_WINDOW, collect, make_request


def titles(result) -> list[str]:
    return [item.title for item in result.yesterday]


def hours(count: int) -> dt.timedelta:
    return dt.timedelta(hours=count)


async def test_history_all_local_branches(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("on main", IN_WINDOW)
    repo.git("checkout", "-q", "-b", "feature/a")
    repo.commit("on feature a", IN_WINDOW + hours(1))
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "feature/b")
    repo.commit("on feature b", IN_WINDOW + hours(2))
    repo.git("checkout", "-q", "main")

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["on main", "on feature a", "on feature b"]


async def test_history_commit_once_on_many_branches(workspace):
    repo = GitRepo.init(workspace / "app")
    sha = repo.commit("shared", IN_WINDOW)
    for name in ("one", "two", "three"):
        repo.git("branch", name)

    result = await collect(make_request(repos=[repo.path]))

    assert [item.id for item in result.yesterday] == [sha]


async def test_history_skips_merge_commits(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", BEFORE_WINDOW)
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature work", IN_WINDOW, files={"feature.txt": "1"})
    repo.git("checkout", "-q", "main")
    repo.commit("main work", IN_WINDOW + hours(1), files={"main.txt": "1"})
    env = {"GIT_AUTHOR_DATE": "1772791200 +0100", "GIT_COMMITTER_DATE": "1772791200 +0100"}
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature", env=env)

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["feature work", "main work"]


async def test_history_remote_tracking_branches(workspace):
    upstream = GitRepo.init(workspace / "upstream")
    upstream.commit("base", BEFORE_WINDOW)
    clone = GitRepo(workspace / "clone")
    run_git(workspace, "clone", "-q", str(upstream.path), str(clone.path))
    upstream.git("checkout", "-q", "-b", "teammate/fix")
    upstream.commit("pushed by Ada from another machine", IN_WINDOW)
    clone.git("fetch", "-q")

    result = await collect(make_request(repos=[clone.path]))

    assert titles(result) == ["pushed by Ada from another machine"]


async def test_history_detached_head(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", IN_WINDOW)
    repo.git("checkout", "-q", "--detach")
    detached = repo.commit("on a detached HEAD", IN_WINDOW + hours(1))

    result = await collect(make_request(repos=[repo.path]))

    assert [item.id for item in result.yesterday][-1] == detached
    assert titles(result) == ["base", "on a detached HEAD"]


async def test_history_empty_repository(workspace):
    repo = GitRepo.init(workspace / "empty")

    result = await collect(make_request(repos=[repo.path]))

    assert result.status == "ok"
    assert result.yesterday == []
    assert result.details == {"repos": 1}


async def test_history_unborn_branch_with_others(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("on main", IN_WINDOW)
    repo.git("checkout", "-q", "--orphan", "fresh")

    result = await collect(make_request(repos=[repo.path]))

    assert result.status == "ok"
    assert titles(result) == ["on main"]


async def test_history_shallow_clone(workspace):
    upstream = GitRepo.init(workspace / "upstream")
    for index in range(6):
        upstream.commit(f"commit {index}", IN_WINDOW + hours(index))
    clone = GitRepo(workspace / "shallow")
    run_git(workspace, "clone", "-q", "--depth", "2", f"file://{upstream.path}", str(clone.path))
    assert (clone.path / ".git" / "shallow").exists()

    result = await collect(make_request(repos=[clone.path]))

    assert result.status == "ok"
    assert titles(result) == ["commit 4", "commit 5"]


async def test_history_declared_encoding(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("Caf\u00e9 menu export".encode("iso-8859-1"), IN_WINDOW, encoding="ISO-8859-1")

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["Caf\u00e9 menu export"]


async def test_history_invalid_utf8(workspace):
    repo = GitRepo.init(workspace / "app")
    # fast-import stores bytes unchanged; `git commit` would re-encode invalid
    # UTF-8 as if it were Latin-1.
    stream = (
        b"commit refs/heads/main\n"
        b"author Bj\xf6rn <bjorn@example.com> 1772787600 +0100\n"
        b"committer Bj\xf6rn <bjorn@example.com> 1772787600 +0100\n"
        b"data 14\nFix \xff\xfe parser\n\n"
    )
    repo.git("fast-import", "--quiet", input=stream)

    everyone = await collect(make_request(repos=[repo.path]))
    by_email = await collect(make_request(repos=[repo.path], authors=["bjorn@example.com"]))
    by_name = await collect(make_request(repos=[repo.path], authors=["Bj\ufffdrn"]))

    assert titles(everyone) == ["Fix \ufffd\ufffd parser"]
    assert titles(by_email) == ["Fix \ufffd\ufffd parser"]
    assert titles(by_name) == ["Fix \ufffd\ufffd parser"]


async def test_history_subject_is_first_line(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("Add export\n\nThe body explains why.\nSecond line.\n", IN_WINDOW)

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["Add export"]


async def test_history_bare_repository(workspace):
    source = GitRepo.init(workspace / "source")
    source.commit("pushed", IN_WINDOW)
    bare = workspace / "server.git"
    run_git(workspace, "clone", "-q", "--bare", str(source.path), str(bare))

    result = await collect(make_request(repos=[bare]))

    assert result.status == "ok"
    assert titles(result) == ["pushed"]
    assert result.yesterday[0].repo == str(bare)
    assert result.today == []


async def test_history_worktree_read_once(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("on main", IN_WINDOW)
    worktree = workspace / "app-feature"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree))
    GitRepo(worktree).commit("in the worktree", IN_WINDOW + hours(1))

    result = await collect(make_request(repos=[repo.path, worktree], scan=[workspace]))

    assert titles(result) == ["on main", "in the worktree"]
    assert {item.repo for item in result.yesterday} == {str(repo.path)}
    assert result.details["repos"] == 1


async def test_history_worktree_alone(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("on main", IN_WINDOW)
    worktree = workspace / "app-feature"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree))
    GitRepo(worktree).commit("in the worktree", IN_WINDOW + hours(1))

    result = await collect(make_request(repos=[worktree]))

    assert titles(result) == ["on main", "in the worktree"]
    assert {item.repo for item in result.yesterday} == {str(worktree)}


async def test_history_worktree_detached_head(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("on main", IN_WINDOW)
    worktree = workspace / "app-experiment"
    repo.git("worktree", "add", "-q", "--detach", str(worktree))
    experiment = GitRepo(worktree).commit("experiment on no branch", IN_WINDOW + hours(1))

    result = await collect(make_request(repos=[repo.path, worktree]))

    assert [item.id for item in result.yesterday][-1] == experiment


async def test_history_submodule(workspace):
    library = GitRepo.init(workspace / "library")
    library.commit("library work", IN_WINDOW)
    app = GitRepo.init(workspace / "app")
    app.commit("app work", IN_WINDOW + hours(1))
    app.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.path), "vendor/library")
    submodule = app.path / "vendor" / "library"
    assert (submodule / ".git").is_file()
    GitRepo(submodule).commit("fixed inside the submodule", IN_WINDOW + hours(2))

    result = await collect(make_request(repos=[submodule]))

    assert titles(result) == ["library work", "fixed inside the submodule"]
    assert {item.repo for item in result.yesterday} == {str(submodule)}


async def test_history_nested_submodule_scan(workspace):
    library = GitRepo.init(workspace / "library")
    library.commit("library work", IN_WINDOW)
    app = GitRepo.init(workspace / "projects" / "app")
    app.commit("app work", IN_WINDOW + hours(1))
    app.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.path), "vendor/library")

    flat = await collect(make_request(scan=[workspace / "projects"]))
    nested = await collect(make_request(scan=[workspace / "projects"], scan_nested=True))

    assert flat.details["repos"] == 1
    assert nested.details["repos"] == 2
    assert str(app.path / "vendor" / "library") in {item.repo for item in nested.yesterday}


async def test_history_subfolder_path(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("work", IN_WINDOW, files={"src/deep/module.py": "x = 1\n"})

    result = await collect(make_request(repos=[repo.path / "src" / "deep"]))

    assert titles(result) == ["work"]
    assert result.yesterday[0].repo == str(repo.path)


async def test_history_other_authors_excluded(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("by Ada", IN_WINDOW)
    repo.commit("by Grace", IN_WINDOW + hours(1), author=GRACE)

    result = await collect(make_request(repos=[repo.path], authors=["ada@example.com"]))

    assert titles(result) == ["by Ada"]
