"""What each action does to the world: its effect class and whether it reaches other people.

The confirmation gate of ``piper ask`` and the TUI reads this table.
Actions are the names of ``piper classify``; the Piper-only workflow types
at the end are what ``piper project`` and follow-up turns run.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Effect(str, enum.Enum):
    READ = "read"
    WRITE = "write"
    DESTRUCTIVE = "destructive"
    """Removes or closes something in a way that is hard to undo."""


@dataclass(frozen=True, slots=True)
class ActionEffect:
    effect: Effect
    reaches_others: bool
    """True when other people see the change: a GitHub issue, a Slack message, a Notion page."""


_READ = ActionEffect(Effect.READ, reaches_others=False)
_LOCAL_WRITE = ActionEffect(Effect.WRITE, reaches_others=False)
_SHARED_WRITE = ActionEffect(Effect.WRITE, reaches_others=True)

EFFECTS: dict[str, ActionEffect] = {
    # Conversation, identity, time, status, priority, guidance and queries only read.
    **dict.fromkeys(
        (
            "greeting", "farewell", "thanks", "get_identity", "get_capabilities", "get_current_time",
            "get_calendar", "get_standup", "get_project_status", "get_top_priority", "get_guidance",
            "list_projects", "get_project", "list_issues", "get_issue", "list_pull_requests", "list_todos",
            "search_documents", "list_documents", "unknown",
        ),
        _READ,
    ),
    # Analysis, synthesis and strategy produce text for the user and change nothing.
    **dict.fromkeys(
        (
            "analyze_issue", "analyze_document", "analyze_commits", "analyze_blockers", "generate_report",
            "summarize_document", "draft_update", "generate_content", "prioritize_backlog", "plan_roadmap",
        ),
        _READ,
    ),
    "learn_patterns": _LOCAL_WRITE,
    "create_issue": _SHARED_WRITE,
    "update_issue": _SHARED_WRITE,
    "comment_issue": _SHARED_WRITE,
    "close_issue": ActionEffect(Effect.DESTRUCTIVE, reaches_others=True),
    "post_message": _SHARED_WRITE,
    "publish_document": _SHARED_WRITE,
    "create_todo": _LOCAL_WRITE,
    "complete_todo": _LOCAL_WRITE,
    "delete_todo": ActionEffect(Effect.DESTRUCTIVE, reaches_others=False),
    "create_project": _LOCAL_WRITE,
    # Piper-only workflow types.
    "block_todo": _LOCAL_WRITE,
    "reopen_todo": _LOCAL_WRITE,
    "update_todo_priority": _LOCAL_WRITE,
    "archive_project": _LOCAL_WRITE,
    "set_default_project": _LOCAL_WRITE,
    "link_repository": _LOCAL_WRITE,
}
"""Action name to its effect."""


def effect_of(action: str) -> ActionEffect:
    """Return the effect of ``action``; an unknown action counts as a destructive one that reaches others.

    Treating an unknown name as the most dangerous kind keeps a new action
    that nobody added here behind the confirmation gate.
    """
    return EFFECTS.get(action, ActionEffect(Effect.DESTRUCTIVE, reaches_others=True))


def requires_confirmation(action: str) -> bool:
    """Return True for an action the user must confirm first: a write that reaches others, or a destructive one."""
    effect = effect_of(action)
    if effect.effect is Effect.DESTRUCTIVE:
        return True
    return effect.effect is Effect.WRITE and effect.reaches_others
