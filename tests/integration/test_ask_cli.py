"""Tests for piper ask: the done-when scenario end to end on a fresh data dir, with no network."""

from __future__ import annotations

import pytest

from piper.domain.intent import Action
from tests.cli_runner import Runner, run_piper  # noqa: F401 - fixture


def ask(run_piper: Runner, *arguments: str) -> dict:
    result = run_piper("ask", "--json", *arguments)
    assert result.exit_code == 0, result.stderr
    document = result.json()
    assert document["status"] == "success"
    return document["data"]


def test_ask_todo_scenario(run_piper: Runner) -> None:
    added = ask(run_piper, "add a todo to review the Q3 roadmap")
    listed = ask(run_piper, "what's on my todo list")
    done = ask(run_piper, "mark the roadmap todo as done")
    after = ask(run_piper, "what's on my todo list")

    assert added["intent"]["action"] == "create_todo"
    assert added["result"]["performed"] is True
    assert added["workflow_id"] is not None
    assert "review the Q3 roadmap" in added["message"]

    assert listed["intent"]["category"] == "QUERY"
    assert listed["workflow_id"] is None
    assert listed["result"]["count"] == 1
    assert "review the Q3 roadmap" in listed["message"]

    assert done["intent"]["action"] == "complete_todo"
    assert done["result"]["performed"] is True
    assert done["result"]["workflow"]["tasks"][0]["output"]["todo"]["status"] == "done"

    assert after["result"]["count"] == 0
    assert "no open todos" in after["message"]


def test_ask_follow_up_priority(run_piper: Runner) -> None:
    created = ask(run_piper, "--new", "add a todo to call Grace")
    conversation_id = created["conversation_id"]
    raised = ask(run_piper, "--conversation", conversation_id, "and make it high priority")
    todos = run_piper("todo", "list", "--json").json()["data"]

    workflow = run_piper("workflow", "show", raised["workflow_id"], "--json").json()["data"]

    # The intent keeps the published action names; the workflow records what ran.
    assert raised["intent"]["action"] in {action.value for action in Action}
    assert workflow["type"] == "update_todo_priority"
    assert raised["result"]["performed"] is True
    assert raised["conversation_id"] == conversation_id
    assert [(todo["text"], todo["priority"]) for todo in todos["todos"]] == [("call Grace", "high")]


def test_ask_turns_in_history(run_piper: Runner) -> None:
    reply = ask(run_piper, "--new", "add a todo to review the Q3 roadmap")
    shown = run_piper("history", "show", reply["conversation_id"], "--json").json()["data"]

    assert [turn["role"] for turn in shown["turns"]] == ["user", "assistant"]
    assert shown["turns"][0]["text"] == "add a todo to review the Q3 roadmap"
    assert shown["turns"][1]["text"] == reply["message"]
    assert shown["turns"][1]["workflow_id"] == reply["workflow_id"]


def test_ask_continues_recent_conversation(run_piper: Runner) -> None:
    first = ask(run_piper, "hello")
    second = ask(run_piper, "what time is it")
    third = ask(run_piper, "--new", "hello")

    assert second["conversation_id"] == first["conversation_id"]
    assert third["conversation_id"] != first["conversation_id"]


def test_ask_clarification_filled(run_piper: Runner) -> None:
    question = ask(run_piper, "--new", "add a todo")
    answered = ask(run_piper, "--conversation", question["conversation_id"], "call the bank")

    assert question["result"]["performed"] is False
    assert question["workflow_id"] is None
    assert question["message"] == "What should the todo say?"
    assert answered["result"]["performed"] is True
    assert "call the bank" in answered["message"]


def test_ask_delete_needs_yes(run_piper: Runner) -> None:
    ask(run_piper, "add a todo to call Grace")
    unconfirmed = ask(run_piper, "delete the grace todo")
    still_there = run_piper("todo", "list", "--json").json()["data"]["todos"]
    deleted = ask(run_piper, "--yes", "delete the grace todo")

    assert unconfirmed["result"]["performed"] is False
    assert unconfirmed["result"]["reason"] == "not_confirmed"
    assert "--yes" in unconfirmed["message"]
    assert [todo["text"] for todo in still_there] == ["call Grace"]
    assert deleted["result"]["performed"] is True
    assert run_piper("todo", "list", "--json").json()["data"]["todos"] == []


def test_ask_github_not_configured(run_piper: Runner) -> None:
    reply = ask(run_piper, "--yes", "create an issue in acme/web titled Fix login")

    assert reply["result"]["performed"] is False
    assert "No GitHub token is set." in reply["message"]
    assert "piper auth login github" in reply["message"]


def test_ask_plain_text_output(run_piper: Runner) -> None:
    result = run_piper("ask", "add a todo to review the Q3 roadmap")

    assert result.exit_code == 0
    assert result.stdout == "Added todo 1: review the Q3 roadmap\n"


def test_ask_new_with_conversation(run_piper: Runner) -> None:
    result = run_piper("ask", "--json", "--new", "--conversation", "abc", "hello")

    assert result.exit_code == 2
    assert result.json()["status"] == "error"


def test_ask_unknown_conversation(run_piper: Runner) -> None:
    result = run_piper("ask", "--json", "--conversation", "nope", "hello")

    assert result.exit_code == 1
    assert "nope" in result.json()["error"]


def test_ask_reads_piped_stdin(run_piper: Runner, monkeypatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("add a todo to review the Q3 roadmap\n"))
    reply = ask(run_piper)

    assert reply["intent"]["action"] == "create_todo"
    assert reply["result"]["performed"] is True


def test_personality_set_changes_reply(run_piper: Runner) -> None:
    set_result = run_piper("personality", "set", "technical_depth", "high")
    shown = run_piper("personality", "show", "--json").json()["data"]
    reply = ask(run_piper, "add a todo to review the Q3 roadmap")

    assert set_result.exit_code == 0
    assert shown["technical_depth"] == "high"
    assert f"_Workflow `{reply['workflow_id']}`: completed._" in reply["message"]


def test_personality_set_keeps_file(run_piper: Runner, isolated_environment) -> None:
    config_file = isolated_environment / "config" / "PIPER.user.md"
    config_file.parent.mkdir(parents=True)
    config_file.write_text("# Me\n\n```yaml\npersonality:\n  warmth: low\nidentity:\n  name: Ada\n```\n")

    assert run_piper("personality", "set", "warmth", "high").exit_code == 0
    assert run_piper("personality", "set", "action_orientation", "low").exit_code == 0
    assert run_piper("personality", "set", "warmth", "loud").exit_code == 2
    assert config_file.read_text() == (
        "# Me\n\n```yaml\npersonality:\n  action_orientation: low\n  warmth: high\nidentity:\n  name: Ada\n```\n"
    )


def test_ask_restated_request_fills_question(run_piper: Runner) -> None:
    asked = ask(run_piper, "--new", "set up a project for the launch")
    conversation_id = asked["conversation_id"]
    restated = ask(run_piper, "--conversation", conversation_id, "create project Atlas")
    projects = run_piper("project", "list", "--json").json()["data"]

    assert asked["workflow_id"] is None
    assert restated["result"]["performed"] is True
    assert [project["name"] for project in projects["projects"]] == ["Atlas"]


def test_ask_todo_priority_and_polite_lead(run_piper: Runner) -> None:
    ask(run_piper, "--new", "add todo: prepare board deck, due 2026-12-31, urgent")
    ask(run_piper, "hey, can you add a todo to ping Lee about the contract?")
    ask(run_piper, "add a todo to plan a high-level review")
    todos = run_piper("todo", "list", "--json").json()["data"]["todos"]

    by_text = {todo["text"]: todo for todo in todos}
    assert by_text["prepare board deck"]["priority"] == "urgent"
    assert by_text["prepare board deck"]["due"] == "2026-12-31"
    assert by_text["ping Lee about the contract"]["priority"] == "medium"
    assert by_text["plan a high-level review"]["priority"] == "medium"


def test_ask_block_todo_by_id_and_it(run_piper: Runner) -> None:
    created = ask(run_piper, "--new", "add a todo to write the Atlas PRD")
    by_id = ask(run_piper, "block todo 1 because legal review pending")
    ask(run_piper, "add a todo to call Sam")
    by_it = ask(run_piper, "block it because Sam is on vacation")
    todos = {todo["id"]: todo for todo in run_piper("todo", "list", "--json").json()["data"]["todos"]}

    assert created["result"]["performed"] is True
    assert by_id["result"]["performed"] is True
    assert by_it["result"]["performed"] is True
    assert by_id["intent"]["action"] in {action.value for action in Action}
    assert todos[1]["status"] == "blocked"
    assert todos[2]["status"] == "blocked"
    assert len(todos) == 2
    assert "_I read this as" not in by_id["message"]



def test_ask_missing_token_before_confirm(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)

    result = run_piper("ask", "post to #launch: we ship Friday", "--yes", "--json")

    assert result.exit_code == 0
    data = result.json()["data"]
    assert data["result"]["performed"] is False
    assert data["result"]["reason"] == "missing_credentials"
    assert "piper auth login slack" in data["message"]
