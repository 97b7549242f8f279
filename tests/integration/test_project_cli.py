"""Tests for piper project: add, list, show, archive, input checks and exit codes."""

from __future__ import annotations

from pathlib import Path

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture


def test_add_links_and_defaults(run_piper: Runner, tmp_path: Path) -> None:
    clone = tmp_path / "web"
    clone.mkdir()

    added = run_piper("project", "add", "Atlas", "--description", "Launch", "--repo", "acme/web", "--repo", str(clone), "--default", "--json")

    assert added.exit_code == 0
    data = added.json()["data"]
    assert data["name"] == "Atlas"
    assert data["description"] == "Launch"
    assert data["is_default"] is True
    assert data["repositories"] == ["acme/web", str(clone.resolve())]
    assert "Created project 'Atlas'." in added.stderr


def test_add_duplicate_fails(run_piper: Runner) -> None:
    assert run_piper("project", "add", "Atlas").exit_code == 0

    again = run_piper("project", "add", "atlas")

    assert again.exit_code == 1
    assert "A project named 'atlas' already exists." in again.error_text


def test_add_invalid_repo_usage(run_piper: Runner) -> None:
    missing_path = run_piper("project", "add", "Atlas", "--repo", "./nowhere")
    bad_name = run_piper("project", "add", "Atlas", "--repo", "not a repo")
    empty_name = run_piper("project", "add", "  ")

    assert missing_path.exit_code == 2
    assert "./nowhere is not an existing folder" in missing_path.error_text
    assert bad_name.exit_code == 2
    assert "Invalid repository 'not a repo'" in bad_name.error_text
    assert empty_name.exit_code == 2
    assert run_piper("project", "list", "--all", "--json").json()["data"]["projects"] == []


def test_list_hides_archived(run_piper: Runner) -> None:
    run_piper("project", "add", "Atlas")
    run_piper("project", "add", "Borealis")

    archived = run_piper("project", "archive", "atlas")
    active = run_piper("project", "list", "--json").json()["data"]["projects"]
    everything = run_piper("project", "list", "--all", "--json").json()["data"]["projects"]

    assert archived.exit_code == 0
    assert archived.stdout == "Archived project 'Atlas'.\n"
    assert [project["name"] for project in active] == ["Borealis"]
    assert [(project["name"], project["archived"]) for project in everything] == [("Atlas", True), ("Borealis", False)]


def test_archive_unknown_not_found(run_piper: Runner) -> None:
    result = run_piper("project", "archive", "Nope", "--json")

    assert result.exit_code == 1
    assert result.json() == {
        "status": "error",
        "error": "No project named 'Nope'.",
        "details": {"project": "Nope", "hint": "List the projects with: piper project list --all"},
    }


def test_show_lists_todos(run_piper: Runner) -> None:
    run_piper("project", "add", "Atlas", "--repo", "acme/web")
    run_piper("todo", "add", "Write the spec", "--project", "atlas")
    run_piper("todo", "add", "Unrelated")

    shown = run_piper("project", "show", "ATLAS", "--json").json()["data"]
    text = run_piper("project", "show", "Atlas")

    assert [todo["text"] for todo in shown["todos"]] == ["Write the spec"]
    assert shown["repositories"] == ["acme/web"]
    assert "Repositories: acme/web" in text.stdout
    assert "1 open or blocked" in text.stdout


def test_show_unknown_not_found(run_piper: Runner) -> None:
    result = run_piper("project", "show", "Nope")

    assert result.exit_code == 1
    assert "No project named 'Nope'." in result.error_text
