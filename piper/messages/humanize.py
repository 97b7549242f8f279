"""Action names as people read them: ``close_issue`` becomes "close the issue"."""

from __future__ import annotations

_PHRASES = {
    "create_issue": "create the issue",
    "update_issue": "update the issue",
    "close_issue": "close the issue",
    "comment_issue": "comment on the issue",
    "post_message": "post the message",
    "publish_document": "publish the document",
    "create_todo": "add the todo",
    "complete_todo": "mark the todo done",
    "delete_todo": "delete the todo",
    "block_todo": "mark the todo blocked",
    "reopen_todo": "reopen the todo",
    "update_todo_priority": "change the todo's priority",
    "create_project": "create the project",
    "archive_project": "archive the project",
    "set_default_project": "make it the default project",
    "link_repository": "link the repository",
    "draft_update": "draft the update",
    "generate_content": "write that",
    "summarize_document": "summarize the document",
    "get_guidance": "give guidance",
    "list_todos": "list your todos",
    "list_projects": "list your projects",
    "get_top_priority": "find your top priority",
    "get_current_time": "tell the time",
}

_ARTICLE_AFTER = frozenset({"create", "update", "close", "delete", "complete", "publish", "archive", "analyze", "summarize"})


def humanize_action(action: str) -> str:
    """Return ``action`` as a verb phrase; an unlisted name reads as its words, with "the" after a known verb."""
    phrase = _PHRASES.get(action)
    if phrase is not None:
        return phrase

    words = action.split("_")
    if len(words) >= 2 and words[0] in _ARTICLE_AFTER:
        return " ".join([words[0], "the", *words[1:]])
    return " ".join(words)
