"""Markdown for notes, wikis and pull request descriptions (CommonMark)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from piper.standup.render.layout import group_by_repo, heading, sections, short_id, source_problems, source_summaries, window_line

if TYPE_CHECKING:
    from piper.standup.model import Item, StandupReport

# CommonMark's backslash escapes: any ASCII punctuation may be escaped, these
# are the ones that would otherwise start emphasis, links, code or HTML.
_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def escape(text: str) -> str:
    """Escape characters that CommonMark would read as markup inside a line."""
    return _SPECIAL.sub(r"\\\1", text)


def _line(item: Item) -> str:
    text = escape(item.title)
    identifier = short_id(item)
    if item.kind == "commit" and identifier:
        reference = f"[`{identifier}`]({item.url})" if item.url else f"`{identifier}`"
        return f"- {text} ({reference})"
    if item.url:
        return f"- [{text}]({item.url})"
    return f"- {text}"


def render(report: StandupReport) -> str:
    """Render ``report`` as a markdown document with one level-2 heading per section."""
    lines = [f"# {heading(report)}", "", f"_{window_line(report)}_"]
    for section in sections(report):
        lines += ["", f"## {section.title}", ""]
        if not section.items:
            lines.append(f"_{section.empty_text}_")
            continue
        for index, group in enumerate(group_by_repo(section.items)):
            if group.label is not None:
                if index:
                    lines.append("")
                lines += [f"**{escape(group.label)}**", ""]
            lines.extend(_line(item) for item in group.items)

    lines += ["", "---", "", "Sources: " + escape(", ".join(source_summaries(report)))]
    problems = source_problems(report)
    if problems:
        lines.append("")
        lines.extend(f"- {escape(problem)}" for problem in problems)
    return "\n".join(lines) + "\n"
