"""Reply texts for workflow results, refused confirmations and actions Piper cannot run yet."""

from __future__ import annotations

from piper.messages.humanize import humanize_action

NO_TERMINAL_HINT = "Run it again with --yes to confirm it without a terminal."

_SETUP_HINTS = {
    "github": "this version of Piper has no GitHub integration yet (it will read GITHUB_TOKEN or the keyring).",
    "slack": "this version of Piper has no Slack integration yet (it will read SLACK_BOT_TOKEN or the keyring).",
    "notion": "this version of Piper has no Notion integration yet (it will read NOTION_TOKEN or the keyring).",
}

_INTEGRATION_OF_ACTION = {
    "create_issue": "github",
    "update_issue": "github",
    "close_issue": "github",
    "comment_issue": "github",
    "post_message": "slack",
    "publish_document": "notion",
}
"""Actions whose workflow needs an integration, by the prefix of its task types (``github.create_issue``)."""

OFFLINE_ABILITIES = (
    "add, list, complete, block and delete todos; list and show projects; "
    "give your standup from git history; rank your open todos by priority; tell the time"
)


def integration_of(action: str) -> str | None:
    """Return the integration that ``action`` needs (``github``, ``slack``, ``notion``), or None."""
    return _INTEGRATION_OF_ACTION.get(action)


def integration_missing(action: str, integration: str) -> str:
    return f"I can't {humanize_action(action)}: {_SETUP_HINTS[integration]} Nothing was changed."


def confirmation_prompt(action: str, summary: str) -> str:
    return f"Piper will {humanize_action(action)} ({summary}). Go ahead?"


def not_confirmed(action: str, *, had_terminal: bool) -> str:
    if had_terminal:
        return f"OK, I did not {humanize_action(action)}. Nothing was changed."
    return f"I did not {humanize_action(action)}: it needs confirmation and there is no terminal to ask on. {NO_TERMINAL_HINT}"


def unsupported(action: str, *, llm_configured: bool) -> str:
    """Return the reply for an action without a workflow or query service, saying what Piper can do instead."""
    if llm_configured:
        return f"I can't {humanize_action(action)} yet; that part of Piper is not built. Nothing was changed."
    return (
        f"I can't {humanize_action(action)} offline: it needs a language model, and none is configured. "
        "Name a provider under llm: in PIPER.user.md (see `piper config`). "
        f"Offline I can {OFFLINE_ABILITIES}."
    )


def workflow_failed(action: str, error: str | None) -> str:
    reason = error or "the task failed without a message"
    return f"I could not {humanize_action(action)}: {reason}"
