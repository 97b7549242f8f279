"""Tests for the effect table and the confirmation gate."""

from __future__ import annotations

import pytest

from piper.workflows.effects import EFFECTS, Effect, effect_of, requires_confirmation

CONTRACT_ACTIONS = (
    "greeting farewell thanks get_identity get_capabilities get_current_time get_calendar get_standup "
    "get_project_status get_top_priority get_guidance list_projects get_project list_issues get_issue "
    "list_pull_requests list_todos search_documents list_documents create_issue update_issue close_issue "
    "comment_issue create_todo complete_todo delete_todo create_project post_message publish_document "
    "analyze_issue analyze_document analyze_commits analyze_blockers generate_report summarize_document "
    "draft_update generate_content prioritize_backlog plan_roadmap learn_patterns unknown"
).split()


def test_effects_cover_contract_actions() -> None:
    assert [action for action in CONTRACT_ACTIONS if action not in EFFECTS] == []


@pytest.mark.parametrize(
    ("action", "effect", "reaches_others", "confirm"),
    [
        ("create_issue", Effect.WRITE, True, True),
        ("close_issue", Effect.DESTRUCTIVE, True, True),
        ("post_message", Effect.WRITE, True, True),
        ("publish_document", Effect.WRITE, True, True),
        ("delete_todo", Effect.DESTRUCTIVE, False, True),
        ("create_todo", Effect.WRITE, False, False),
        ("complete_todo", Effect.WRITE, False, False),
        ("list_todos", Effect.READ, False, False),
    ],
)
def test_effect_table_entries(action: str, effect: Effect, reaches_others: bool, confirm: bool) -> None:
    assert effect_of(action).effect is effect
    assert effect_of(action).reaches_others is reaches_others
    assert requires_confirmation(action) is confirm


def test_unknown_action_needs_confirmation() -> None:
    assert requires_confirmation("drop_everything") is True
