"""Slack mrkdwn text, ready for ``chat.postMessage``.

Slack's formatting guide asks to escape ``&``, ``<`` and ``>`` as HTML
entities and nothing else; links are ``<url|label>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from piper.standup.render.layout import group_by_repo, heading, sections, short_id, source_problems, window_line

if TYPE_CHECKING:
    from piper.standup.model import Item, StandupReport


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _line(item: Item) -> str:
    text = escape(item.title)
    identifier = short_id(item)
    if item.kind == "commit" and identifier:
        reference = f"<{item.url}|{identifier}>" if item.url else f"`{identifier}`"
        return f"• {text} ({reference})"
    if item.url:
        return f"• <{item.url}|{text}>"
    return f"• {text}"


def render(report: StandupReport) -> str:
    """Render ``report`` as one Slack mrkdwn message."""
    lines = [f"*{escape(heading(report))}*", f"_{escape(window_line(report))}_"]
    for section in sections(report):
        lines += ["", f"*{section.title}*"]
        if not section.items:
            lines.append(f"_{section.empty_text}_")
            continue
        for group in group_by_repo(section.items):
            if group.label is not None:
                lines.append(f"_{escape(group.label)}_")
            lines.extend(_line(item) for item in group.items)

    problems = source_problems(report)
    if problems:
        lines += ["", ":warning: " + escape("; ".join(problems))]
    return "\n".join(lines) + "\n"
