"""Plain text, the default when stdout is not a terminal (pipes, cron mail)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from piper.standup.render.layout import group_by_repo, heading, sections, short_id, source_problems, source_summaries, window_line

if TYPE_CHECKING:
    from piper.standup.model import Item, StandupReport


def _line(item: Item, indent: str) -> str:
    identifier = short_id(item)
    suffix = f" ({identifier})" if identifier and item.kind == "commit" else ""
    return f"{indent}- {item.title}{suffix}"


def render(report: StandupReport) -> str:
    """Render ``report`` as plain text with two-space indentation."""
    lines = [heading(report), window_line(report)]
    for section in sections(report):
        lines.append("")
        lines.append(section.title)
        if not section.items:
            lines.append(f"  {section.empty_text}")
            continue
        for group in group_by_repo(section.items):
            if group.label is None:
                lines.extend(_line(item, "  ") for item in group.items)
                continue
            lines.append(f"  {group.label}")
            lines.extend(_line(item, "    ") for item in group.items)

    lines.append("")
    lines.append("Sources: " + ", ".join(source_summaries(report)))
    lines.extend(f"  ! {problem}" for problem in source_problems(report))
    return "\n".join(lines) + "\n"
