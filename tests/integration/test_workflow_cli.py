"""Tests for piper workflow list and show, on the workflows that piper project records."""

from __future__ import annotations

from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture


def test_list_newest_first(run_piper: Runner) -> None:
    run_piper("project", "add", "Atlas", "--repo", "acme/web")
    run_piper("project", "add", "atlas")

    listed = run_piper("workflow", "list", "--json").json()["data"]["workflows"]
    limited = run_piper("workflow", "list", "--limit", "1", "--json").json()["data"]["workflows"]

    assert [(item["type"], item["status"]) for item in listed] == [("create_project", "failed"), ("create_project", "completed")]
    assert listed[0]["error"] == "A project named 'atlas' already exists."
    assert [item["id"] for item in limited] == [listed[0]["id"]]


def test_show_by_prefix(run_piper: Runner) -> None:
    run_piper("project", "add", "Atlas", "--repo", "acme/web", "--default")
    workflow_id = run_piper("workflow", "list", "--json").json()["data"]["workflows"][0]["id"]

    shown = run_piper("workflow", "show", workflow_id[:8], "--json").json()["data"]
    text = run_piper("workflow", "show", workflow_id)

    assert shown["id"] == workflow_id
    assert [(task["type"], task["status"]) for task in shown["tasks"]] == [
        ("project.create", "completed"),
        ("project.link_repository", "completed"),
        ("project.set_default", "completed"),
    ]
    assert shown["tasks"][1]["message"] == "Linked acme/web to project 'Atlas'."
    assert "Status:    completed" in text.stdout
    assert "2. project.link_repository: completed" in text.stdout


def test_show_unknown_not_found(run_piper: Runner) -> None:
    result = run_piper("workflow", "show", "abcdef12")

    assert result.exit_code == 1
    assert "No workflow with id 'abcdef12'." in result.error_text


def test_list_invalid_limit_usage(run_piper: Runner) -> None:
    result = run_piper("workflow", "list", "--limit", "0", "--json")

    assert result.exit_code == 2
    assert result.json()["error"] == "Invalid --limit 0: give a number from 1 to 1000."


def test_list_empty(run_piper: Runner) -> None:
    result = run_piper("workflow", "list")

    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No workflows yet." in result.stderr
