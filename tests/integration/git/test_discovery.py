"""Finding repositories below a folder: depth, skipped tool folders, nesting and symbolic links."""

from __future__ import annotations

import os

from piper.integrations.git import discover_repositories
from tests.gitrepo import GitRepo, run_git
from tests.integration.git.conftest import IN_WINDOW, collect, make_request


def found_paths(root, depth=3, **options) -> list[str]:
    result = discover_repositories(root, depth, **options)
    return [str(repository.path.relative_to(root)) if repository.path != root else "." for repository in result.repositories]


def test_discovery_depth(workspace):
    GitRepo.init(workspace / "one")
    GitRepo.init(workspace / "a" / "two")
    GitRepo.init(workspace / "a" / "b" / "three")

    assert found_paths(workspace, depth=0) == []
    assert found_paths(workspace, depth=1) == ["one"]
    assert found_paths(workspace, depth=2) == ["a/two", "one"]
    assert found_paths(workspace, depth=3) == ["a/b/three", "a/two", "one"]


def test_discovery_root_is_repository(workspace):
    GitRepo.init(workspace)

    assert found_paths(workspace, depth=0) == ["."]


def test_discovery_skips_tool_folders(workspace):
    GitRepo.init(workspace / "project")
    for folder in ("node_modules/left-pad", ".venv/src/pkg", "venv/src/pkg", "__pycache__/x", ".tox/py311/x", ".cache/pip/x"):
        GitRepo.init(workspace / "tools" / folder)
    (workspace / "tools" / "env-with-other-name").mkdir(parents=True)
    (workspace / "tools" / "env-with-other-name" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    GitRepo.init(workspace / "tools" / "env-with-other-name" / "src")

    assert found_paths(workspace, depth=4) == ["project"]


def test_discovery_not_inside_repository(workspace):
    outer = GitRepo.init(workspace / "outer")
    GitRepo.init(outer.path / "vendored" / "inner")

    assert found_paths(workspace) == ["outer"]
    assert found_paths(workspace, include_nested=True) == ["outer", "outer/vendored/inner"]


def test_discovery_worktree_and_bare(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", IN_WINDOW)
    repo.git("worktree", "add", "-q", "-b", "feature", str(workspace / "app-feature"))
    run_git(workspace, "clone", "-q", "--bare", str(repo.path), str(workspace / "server.git"))

    result = discover_repositories(workspace, 2)

    assert [str(r.path.relative_to(workspace)) for r in result.repositories] == ["app", "app-feature", "server.git"]
    assert [r.bare for r in result.repositories] == [False, False, True]


def test_discovery_symbolic_links(workspace):
    elsewhere = workspace / "elsewhere"
    GitRepo.init(elsewhere / "linked-project")
    root = workspace / "root"
    root.mkdir()
    os.symlink(elsewhere, root / "link")

    assert found_paths(root) == []
    result = discover_repositories(root, 3, follow_links=True)
    assert [r.path for r in result.repositories] == [elsewhere / "linked-project"]


def test_discovery_symbolic_link_loop(workspace):
    GitRepo.init(workspace / "a" / "project")
    os.symlink(workspace, workspace / "a" / "back-to-root")
    os.symlink(workspace / "a", workspace / "a" / "self")

    result = discover_repositories(workspace, 10, follow_links=True)

    assert [r.path for r in result.repositories] == [workspace / "a" / "project"]


def test_discovery_broken_link(workspace):
    GitRepo.init(workspace / "project")
    os.symlink(workspace / "missing", workspace / "dangling")

    assert found_paths(workspace, follow_links=True) == ["project"]


async def test_scan_and_repo_same_repository(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("once", IN_WINDOW)

    result = await collect(make_request(repos=[repo.path, repo.path / ".git"], scan=[workspace, workspace]))

    assert [item.title for item in result.yesterday] == ["once"]
    assert result.details["repos"] == 1


async def test_scan_follow_links_flag(workspace):
    elsewhere = workspace / "elsewhere"
    GitRepo.init(elsewhere / "linked").commit("through a link", IN_WINDOW)
    root = workspace / "root"
    root.mkdir()
    os.symlink(elsewhere, root / "link")

    without = await collect(make_request(scan=[root]))
    with_links = await collect(make_request(scan=[root], follow_links=True))

    assert without.status == "skipped"
    assert [item.title for item in with_links.yesterday] == ["through a link"]
    assert with_links.yesterday[0].repo == str(elsewhere / "linked")
