"""Markdown: sections at ATX (``#``) and setext (underlined) headings, found by markdown-it-py.

A CommonMark parser, not a regular expression, finds the headings, so a ``#``
line inside a fenced code block stays code. Section text keeps the file's own
markdown, which reads well as plain text.
"""

from __future__ import annotations

import re
from pathlib import Path

from piper.knowledge.extract.text_files import read_text, squeeze_blank_lines, title_from_path
from piper.knowledge.model import ExtractedDocument, Section

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)
_FRONT_MATTER_TITLE = re.compile(r"^title:\s*[\"']?(.+?)[\"']?\s*$", re.MULTILINE)


def read_markdown(path: Path, document: str) -> ExtractedDocument:
    """Read a markdown file; YAML front matter is dropped except for its ``title``."""
    from markdown_it import MarkdownIt

    text = read_text(path)
    front_title = None
    front = _FRONT_MATTER.match(text)
    if front:
        title_match = _FRONT_MATTER_TITLE.search(front.group(1))
        front_title = title_match.group(1) if title_match else None
        # Blank lines keep the line numbers of the rest of the file.
        text = "\n" * front.group(0).count("\n") + text[front.end():]

    lines = text.split("\n")
    tokens = MarkdownIt("commonmark").parse(text)

    headings: list[tuple[int, str, int, int]] = []
    """(level, heading text, first line, line after the heading)."""
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            level = int(token.tag[1])
            inline = tokens[index + 1]
            headings.append((level, _plain_heading(inline.content), token.map[0], token.map[1]))

    sections: list[Section] = []
    path_stack: list[tuple[int, str]] = []
    start = 0
    current: tuple[str, ...] = ()
    for level, heading, first_line, after_line in headings:
        _append(sections, current, lines[start:first_line])
        while path_stack and path_stack[-1][0] >= level:
            path_stack.pop()
        path_stack.append((level, heading))
        current = tuple(name for _, name in path_stack)
        start = after_line
    _append(sections, current, lines[start:])

    first_h1 = next((heading for level, heading, _, _ in headings if level == 1), None)
    title = front_title or first_h1 or title_from_path(path)
    return ExtractedDocument(path=document, title=title, sections=sections, kind="markdown")


def _append(sections: list[Section], heading_path: tuple[str, ...], lines: list[str]) -> None:
    body = squeeze_blank_lines("\n".join(lines))
    # A heading with no text of its own adds no section; its name lives on in its subsections' paths.
    if body:
        sections.append(Section(heading_path=heading_path, text=body))


def _plain_heading(content: str) -> str:
    """Drop inline markup from a heading: ``**Install** `piper` `` gives ``Install piper``."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", content)
    text = re.sub(r"[*_`]+", "", text)
    return " ".join(text.split())
