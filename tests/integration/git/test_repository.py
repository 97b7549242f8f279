"""Locating a repository from a path without git, and reading the default author's email."""

from __future__ import annotations

import pytest

from piper.errors import UsageError
from piper.integrations.git import (
    NotARepositoryError,
    RepositoryNotFoundError,
    default_author_email,
    find_repository,
    resolve_repository,
)
from tests.gitrepo import GitRepo, run_git
from tests.integration.git.conftest import IN_WINDOW


def test_resolve_working_tree(workspace):
    repo = GitRepo.init(workspace / "app")

    found = find_repository(repo.path)

    assert found.path == repo.path
    assert found.git_dir == repo.path / ".git"
    assert found.common_dir == repo.path / ".git"
    assert found.bare is False
    assert resolve_repository(repo.path) == repo.path


def test_resolve_subfolder(workspace):
    repo = GitRepo.init(workspace / "app")
    deep = repo.path / "src" / "pkg"
    deep.mkdir(parents=True)

    assert resolve_repository(deep) == repo.path


def test_resolve_relative_path(workspace, monkeypatch):
    repo = GitRepo.init(workspace / "app")
    monkeypatch.chdir(workspace)

    assert resolve_repository("app") == repo.path


def test_resolve_dot_git_folder(workspace):
    repo = GitRepo.init(workspace / "app")

    assert resolve_repository(repo.path / ".git") == repo.path


def test_resolve_worktree(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("base", IN_WINDOW)
    worktree = workspace / "app-feature"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree))

    found = find_repository(worktree)

    assert found.path == worktree
    assert found.git_dir == repo.path / ".git" / "worktrees" / "app-feature"
    assert found.common_dir == repo.path / ".git"
    assert found.is_linked_worktree


def test_resolve_submodule(workspace):
    library = GitRepo.init(workspace / "library")
    library.commit("base", IN_WINDOW)
    app = GitRepo.init(workspace / "app")
    app.commit("base", IN_WINDOW)
    app.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.path), "lib")

    found = find_repository(app.path / "lib")

    assert found.path == app.path / "lib"
    assert found.git_dir == app.path / ".git" / "modules" / "lib"
    assert not found.is_linked_worktree


def test_resolve_bare(workspace):
    bare = GitRepo.init(workspace / "server.git", bare=True)

    found = find_repository(bare.path)

    assert found.path == bare.path
    assert found.bare is True
    assert resolve_repository(bare.path / "refs") == bare.path


def test_resolve_missing_path(workspace):
    with pytest.raises(RepositoryNotFoundError) as raised:
        resolve_repository(workspace / "nowhere")

    assert isinstance(raised.value, UsageError)
    assert raised.value.exit_code == 2
    assert str(workspace / "nowhere") in raised.value.message


def test_resolve_not_a_repository(workspace):
    plain = workspace / "plain"
    plain.mkdir()

    with pytest.raises(NotARepositoryError) as raised:
        resolve_repository(plain)

    assert raised.value.exit_code == 2
    assert str(plain) in raised.value.message


def test_resolve_broken_gitfile(workspace):
    folder = workspace / "orphan"
    folder.mkdir()
    (folder / ".git").write_text("gitdir: ../missing/.git/worktrees/orphan\n")

    with pytest.raises(NotARepositoryError) as raised:
        resolve_repository(folder)

    assert "git worktree repair" in raised.value.message


def test_resolve_runs_no_git(workspace, monkeypatch):
    repo = GitRepo.init(workspace / "app")
    monkeypatch.setenv("PATH", str(workspace / "empty-path"))

    assert resolve_repository(repo.path) == repo.path


def test_default_email_global(workspace):
    assert default_author_email(workspace) == "ada@example.com"


def test_default_email_local_config(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.git("config", "user.email", "ada@work.example.com")

    assert default_author_email(repo.path) == "ada@work.example.com"


def test_default_email_unset(workspace, isolated_environment):
    (isolated_environment / ".gitconfig").write_text("[user]\n\tname = Ada Lovelace\n")

    assert default_author_email(workspace) is None


def test_default_email_git_missing(workspace, monkeypatch):
    monkeypatch.setenv("PATH", str(workspace / "empty-path"))

    assert default_author_email(workspace) is None


def test_default_email_include_if(workspace, isolated_environment):
    work = workspace / "work"
    repo = GitRepo.init(work / "app")
    (isolated_environment / "work.gitconfig").write_text("[user]\n\temail = ada@work.example.com\n")
    run_git(workspace, "config", "--global", f"includeIf.gitdir:{work}/.path", str(isolated_environment / "work.gitconfig"))

    assert default_author_email(repo.path) == "ada@work.example.com"
    assert default_author_email(workspace) == "ada@example.com"
