"""Markdown to Slack mrkdwn, and splitting long mrkdwn into postable parts.

Slack's "Formatting text for app surfaces" guide defines mrkdwn: ``*bold*``,
``_italic_``, ``~strike~``, ``<url|label>`` links, ``>`` quotes and code
in backticks. Only ``&``, ``<`` and ``>`` are escaped (as HTML entities),
and mrkdwn has no headings or list syntax, so headings become bold lines
and bullets become ``•``. A section block's text may be at most 3,000
characters (Block Kit reference), which is the size of one part here.
"""

from __future__ import annotations

import re

SECTION_LIMIT = 3000
"""Maximum characters of one section block's text, from Slack's Block Kit reference."""

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TASK = re.compile(r"^\[([ xX])\]\s+(.*)$")
_TABLE_ROW = re.compile(r"^\s{0,3}\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s{0,3}\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")

# Private-use characters mark converted spans, so later steps neither escape nor re-convert them.
_OPEN, _CLOSE = "\ue000", "\ue001"
_BOLD_MARK = "\ue002"


def escape(text: str) -> str:
    """Escape the three characters that Slack reads as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_to_mrkdwn(markdown: str) -> str:
    """Convert CommonMark-style markdown to Slack mrkdwn.

    Bold, italic, strikethrough, links, images (as links), headings, bullet
    and task lists, quotes and rules are converted. Code spans and fenced
    code blocks keep their text and are only escaped. mrkdwn has no
    tables, so a table becomes a code block with its columns aligned.
    HTML passes through as escaped text.
    """
    lines: list[str] = []
    in_fence = False
    source = markdown.replace("\r\n", "\n").split("\n")
    index = 0
    while index < len(source):
        line = source[index]
        index += 1
        if not in_fence and index < len(source) and _TABLE_ROW.match(line) and _TABLE_RULE.match(source[index]):
            rows = [line]
            index += 1
            while index < len(source) and _TABLE_ROW.match(source[index]):
                rows.append(source[index])
                index += 1
            lines.extend(_table_block(rows))
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
            lines.append("```")
            continue
        if in_fence:
            lines.append(escape(line))
            continue
        lines.append(_convert_line(line))
    if in_fence:
        lines.append("```")
    return "\n".join(lines)


def _table_cells(row: str) -> list[str]:
    """Split a table row at pipes that are not escaped as ``\\|``, without the outer pipes."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row)]
    # A code block shows markup literally, so bold and code-span markers would only add noise.
    return [re.sub(r"\*\*|__|`", "", cell) for cell in cells]


def _table_block(rows: list[str]) -> list[str]:
    """Lay out a markdown table's header and body rows as an aligned code block; the rule row is dropped."""
    table = [_table_cells(row) for row in rows]
    columns = max(len(cells) for cells in table)
    table = [cells + [""] * (columns - len(cells)) for cells in table]
    widths = [max(len(cells[column]) for cells in table) for column in range(columns)]

    # Padding counts the characters before escaping, because Slack shows "&lt;" as one character.
    def layout(cells: list[str]) -> str:
        return escape("  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip())

    header, *body = table
    rule = "  ".join("-" * width for width in widths)
    return ["```", layout(header), rule, *(layout(cells) for cells in body), "```"]


def _convert_line(line: str) -> str:
    if _RULE.match(line):
        return "──────────"

    heading = _HEADING.match(line)
    if heading:
        text = _convert_inline(heading.group(2))
        return f"*{text}*" if text else ""

    quote = _QUOTE.match(line)
    if quote:
        return "> " + _convert_line(quote.group(1)) if quote.group(1) else ">"

    bullet = _BULLET.match(line)
    if bullet:
        indent, text = bullet.groups()
        marker = "•" if len(indent.expandtabs(4)) < 2 else "◦"
        task = _TASK.match(text)
        if task:
            marker = "☑" if task.group(1).lower() == "x" else "☐"
            text = task.group(2)
        return f"{indent}{marker} {_convert_inline(text)}"

    ordered = _ORDERED.match(line)
    if ordered:
        indent, number, text = ordered.groups()
        return f"{indent}{number}. {_convert_inline(text)}"

    return _convert_inline(line)


def _convert_inline(text: str) -> str:
    """Convert one line's inline markup; code spans and links are set aside first so nothing inside them changes."""
    kept: list[str] = []

    def keep(converted: str) -> str:
        kept.append(converted)
        return f"{_OPEN}{len(kept) - 1}{_CLOSE}"

    text = _CODE_SPAN.sub(lambda match: keep(f"`{escape(match.group(2))}`"), text)
    text = _LINK.sub(lambda match: keep(_link(match.group(2), match.group(1))), text)
    text = _AUTOLINK.sub(lambda match: keep(_link(match.group(1), "")), text)

    text = escape(text)
    text = _BOLD.sub(lambda match: f"{_BOLD_MARK}{match.group(2)}{_BOLD_MARK}", text)
    text = _ITALIC_STAR.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    text = text.replace(_BOLD_MARK, "*")

    return re.sub(f"{_OPEN}(\\d+){_CLOSE}", lambda match: kept[int(match.group(1))], text)


def _link(url: str, label: str) -> str:
    # '|' and '>' end the URL part of <url|label>, so they are percent-encoded; the label is only escaped.
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    label = label.strip()
    if not label or label == url:
        return f"<{safe_url}>"
    return f"<{safe_url}|{escape(label)}>"


def split_mrkdwn(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split mrkdwn into parts of at most ``limit`` characters, at paragraph boundaries where possible.

    A paragraph longer than ``limit`` is split at line ends, and a line
    longer than that at the last space (or hard at ``limit``). A code block
    cut in two is closed at the end of one part and reopened in the next,
    so every part renders on its own. Empty text gives no parts.
    """
    if limit < 20:
        raise ValueError(f"limit must be at least 20 characters, got {limit}")
    budget = limit - len("```\n") - len("\n```")

    parts: list[str] = []
    current: list[_Piece] = []
    size = 0
    for piece in _pieces(text.strip("\n"), budget):
        if current and size + 2 + len(piece.text) > budget:
            # A heading stays with the paragraph below it rather than ending a part.
            carried: list[_Piece] = []
            if len(current) > 1 and _is_heading(current[-1]) and len(current[-1].text) + 2 + len(piece.text) <= budget:
                carried = [current.pop()]
            parts.append(_join(current))
            current = carried
            size = sum(len(kept.text) + 2 for kept in current)
        current.append(piece)
        size += len(piece.text) + (2 if len(current) > 1 else 0)
    if current:
        parts.append(_join(current))
    return _balance_fences([part for part in parts if part.strip()])


def _join(pieces: list[_Piece]) -> str:
    text = pieces[0].text
    for piece in pieces[1:]:
        text += ("\n\n" if piece.paragraph_start else "\n") + piece.text
    return text


def _is_heading(piece: _Piece) -> bool:
    """Return whether ``piece`` is a paragraph of one bold line, which is how ``markdown_to_mrkdwn`` writes a heading."""
    text = piece.text
    return piece.paragraph_start and "\n" not in text and len(text) > 2 and text.startswith("*") and text.endswith("*")


class _Piece:
    __slots__ = ("text", "paragraph_start")

    def __init__(self, text: str, paragraph_start: bool) -> None:
        self.text = text
        self.paragraph_start = paragraph_start


def _pieces(text: str, budget: int) -> list[_Piece]:
    """Cut ``text`` into paragraphs, and paragraphs or lines longer than ``budget`` into smaller pieces."""
    pieces: list[_Piece] = []
    for paragraph in re.split(r"\n{2,}", text):
        if len(paragraph) <= budget:
            pieces.append(_Piece(paragraph, True))
            continue
        first = True
        for line in paragraph.split("\n"):
            for chunk in _cut_line(line, budget):
                pieces.append(_Piece(chunk, first))
                first = False
    return pieces


def _cut_line(line: str, budget: int) -> list[str]:
    chunks: list[str] = []
    while len(line) > budget:
        cut = line.rfind(" ", 0, budget + 1)
        if cut <= 0:
            cut = budget
        chunks.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    chunks.append(line)
    return chunks


def _balance_fences(parts: list[str]) -> list[str]:
    """Close a code block left open at the end of a part and reopen it at the start of the next."""
    balanced: list[str] = []
    carry_fence = False
    for part in parts:
        if carry_fence:
            part = "```\n" + part
        open_fence = part.count("```") % 2 == 1
        if open_fence:
            part += "\n```"
        balanced.append(part)
        carry_fence = open_fence
    return balanced
