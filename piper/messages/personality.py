"""Piper's voice: the personality profile from the ``personality:`` section of PIPER.user.md applied to a reply."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from piper.messages.humanize import humanize_action

if TYPE_CHECKING:
    from piper.config import PersonalitySettings

UNSURE_CONFIDENCE = 0.6
"""Below this classifier confidence, ``confidence_display: when_unsure`` shows how Piper read the message."""

_NEXT_STEPS = {
    "list_todos": 'Say "mark the … todo as done" when one is finished.',
    "create_todo": 'Say "make it high priority" to raise it.',
    "get_top_priority": 'Say "mark it done" once it is finished, or "what\'s on my todo list" for the rest.',
    "list_projects": 'Ask "what is the status of PROJECT" for one of them.',
}
"""Follow-up suggestions that ``action_orientation`` adds, by action."""


def apply_personality(message: str, intent: dict[str, Any], result: dict[str, Any], workflow_id: str | None,
                      profile: PersonalitySettings) -> str:
    """Return ``message`` with the lines the profile asks for; the facts of the reply are never changed."""
    lines = [message]
    action = str(intent.get("action", ""))
    performed = result.get("performed") is True

    if profile.warmth == "high" and performed:
        lines.append("Glad to help. Anything else?")

    if _shows_confidence(intent, profile) and action != "unknown":
        confidence = float(intent.get("confidence", 0.0))
        lines.append(f"_I read this as a request to {humanize_action(action)} ({confidence:.0%} sure, by {intent.get('classifier')})._")

    next_step = _NEXT_STEPS.get(action)
    # Medium suggests a next step only after a read, so a confirmed change stays one line.
    suggests = profile.action_orientation == "high" or (profile.action_orientation == "medium" and "performed" not in result)
    if next_step is not None and suggests and result.get("count") != 0:
        lines.append(next_step)

    if profile.technical_depth == "high" and workflow_id is not None:
        status = (result.get("workflow") or {}).get("status", "unknown")
        lines.append(f"_Workflow `{workflow_id}`: {status}._")
    return "\n\n".join(lines)


def _shows_confidence(intent: dict[str, Any], profile: PersonalitySettings) -> bool:
    if profile.confidence_display == "always":
        return True
    if profile.confidence_display == "hidden":
        return False
    return intent.get("classifier") != "rules" and float(intent.get("confidence", 1.0)) < UNSURE_CONFIDENCE
