"""The terminal view: colour, grouping and clickable links (the default on a terminal)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group as RenderGroup
from rich.text import Text

from piper.standup.render.layout import group_by_repo, heading, sections, short_id, source_problems, source_summaries, window_line

if TYPE_CHECKING:
    from rich.console import RenderableType

    from piper.standup.model import Item, StandupReport

_SECTION_STYLES = {"Yesterday": "bold green", "Today": "bold cyan", "Blockers": "bold red"}
_KIND_MARKS = {"todo": "☐", "branch": "⎇", "working_tree": "✎", "git_operation": "⚠"}


def _line(item: Item, indent: str) -> Text:
    line = Text(indent)
    line.append(_KIND_MARKS.get(item.kind, "•") + " ", style="dim")
    line.append(item.title)
    identifier = short_id(item)
    if item.kind == "commit" and identifier:
        style = f"dim link {item.url}" if item.url else "dim"
        line.append(f" {identifier}", style=style)
    if item.timestamp is not None and item.kind == "commit":
        line.append(f" {item.timestamp.strftime('%a %H:%M')}", style="dim")
    return line


def build(report: StandupReport) -> RenderableType:
    """Build the rich renderable for ``report``."""
    parts: list[RenderableType] = [
        Text(heading(report), style="bold"),
        Text(window_line(report), style="dim"),
    ]
    for section in sections(report):
        parts.append(Text(""))
        parts.append(Text(f"{section.title} ({len(section.items)})", style=_SECTION_STYLES[section.title]))
        if not section.items:
            parts.append(Text(f"  {section.empty_text}", style="dim italic"))
            continue
        for group in group_by_repo(section.items):
            if group.label is None:
                parts.extend(_line(item, "  ") for item in group.items)
                continue
            parts.append(Text(f"  {group.label}", style="bold magenta"))
            parts.extend(_line(item, "    ") for item in group.items)

    parts.append(Text(""))
    parts.append(Text("Sources: " + ", ".join(source_summaries(report)), style="dim"))
    parts.extend(Text(f"  ! {problem}", style="yellow") for problem in source_problems(report))
    return RenderGroup(*parts)
