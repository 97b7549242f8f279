"""Markdown as a tree of Notion blocks, parsed with markdown-it-py (CommonMark plus tables and strikethrough).

Headings 1-3 map to Notion's heading_1-3, and deeper headings to heading_3.
A list item whose text starts with ``[ ]`` or ``[x]`` becomes a to_do. A
paragraph of one image at an http(s) URL becomes an image block. Raw
HTML becomes its visible text, without comments. A
code fence keeps its language when Notion supports it. A table becomes a
table block with a column header. Rich text longer than Notion's 100
elements per block continues in a block of the same type, so no text is
dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from piper.integrations.notion.html_text import html_to_lines
from piper.integrations.notion.languages import notion_language
from piper.integrations.notion.rich_text import MAX_URL_LENGTH, Span, merge_spans, plain_spans, plain_text, spans_from_inline, to_rich_text

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

MAX_RICH_TEXT_ELEMENTS = 100
"""Maximum text objects in one block's rich_text array (Notion's request limits)."""

_TASK_MARKER = re.compile(r"^\[([ xX])\]\s+")


@dataclass
class Block:
    """One Notion block before upload: its type, its type-specific body and its child blocks."""

    type: str
    body: dict[str, Any]
    children: list[Block] = field(default_factory=list)

    @property
    def needs_children(self) -> bool:
        """Whether Notion rejects this block without its children in the same request (a table needs its rows)."""
        return self.type == "table"

    def to_request(self, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Return the block as Notion's request JSON, with ``children`` already in request form."""
        body = dict(self.body)
        if children:
            body["children"] = children
        return {"object": "block", "type": self.type, self.type: body}

    def preview(self, length: int = 60) -> str:
        """Return the block's type and the start of its text, for reports of what was not published."""
        text = plain_text(self.body.get("rich_text") or self.body.get("caption") or [])
        if not text and self.type == "table_row":
            text = " | ".join(plain_text(cell) for cell in self.body.get("cells", []))
        text = " ".join(text.split())
        if len(text) > length:
            text = text[: length - 1] + "…"
        return f"{self.type}: {text}" if text else self.type


def count_blocks(blocks: list[Block]) -> int:
    return sum(1 + count_blocks(block.children) for block in blocks)


def parse_markdown(markdown: str) -> SyntaxTreeNode:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return SyntaxTreeNode(parser.parse(markdown))


def markdown_to_blocks(markdown: str) -> list[Block]:
    """Convert a markdown document into Notion blocks, in document order."""
    return _convert_all(parse_markdown(markdown).children)


def leading_heading(markdown: str) -> tuple[str, int, int] | None:
    """Return the text and line range (start, end) of a level-1 heading that opens the document, else None."""
    root = parse_markdown(markdown)
    if not root.children:
        return None
    first = root.children[0]
    if first.type != "heading" or first.tag != "h1" or first.map is None:
        return None
    title = "".join(span.text for span in spans_from_inline(_inline_of(first))).strip()
    if not title:
        return None
    return title, first.map[0], first.map[1]


def _convert_all(nodes: list[SyntaxTreeNode]) -> list[Block]:
    blocks: list[Block] = []
    for node in nodes:
        blocks.extend(_convert(node))
    return blocks


def _convert(node: SyntaxTreeNode) -> list[Block]:
    kind = node.type
    if kind == "heading":
        level = min(int(node.tag[1:]), 3)
        return _text_blocks(f"heading_{level}", spans_from_inline(_inline_of(node)))
    if kind == "paragraph":
        image = _lone_image(node)
        if image is not None:
            return [image]
        return _text_blocks("paragraph", spans_from_inline(_inline_of(node)))
    if kind in ("bullet_list", "ordered_list"):
        item_type = "bulleted_list_item" if kind == "bullet_list" else "numbered_list_item"
        return [block for item in node.children for block in _list_item(item, item_type)]
    if kind == "blockquote":
        return _container("quote", node.children)
    if kind in ("fence", "code_block"):
        return _code(node.content, node.info if kind == "fence" else "")
    if kind == "hr":
        return [Block("divider", {})]
    if kind == "table":
        return [_table(node)]
    if kind == "html_block":
        return [block for line in html_to_lines(node.content) for block in _text_blocks("paragraph", plain_spans(line))]
    # Anything else markdown-it may add later: keep its text rather than drop it.
    return _convert_all(node.children)


def _lone_image(paragraph: SyntaxTreeNode) -> Block | None:
    """Return an image block for a paragraph that contains only an image at an http(s) URL, else None.

    Notion shows such a URL as an external image, with the alt text as its
    caption. Other images stay inline text (see :mod:`rich_text`), because
    Notion cannot show a local file and has no inline images.
    """
    inline = _inline_of(paragraph)
    if inline is None:
        return None
    parts = [child for child in inline.children if not (child.type == "text" and not child.content.strip())]
    if len(parts) != 1 or parts[0].type != "image":
        return None
    source = parts[0].attrs.get("src")
    if not isinstance(source, str) or not source.lower().startswith(("http://", "https://")) or len(source) > MAX_URL_LENGTH:
        return None
    caption = to_rich_text(spans_from_inline(parts[0]))[:MAX_RICH_TEXT_ELEMENTS]
    return Block("image", {"type": "external", "external": {"url": source}, "caption": caption})


def _inline_of(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    return next((child for child in node.children if child.type == "inline"), None)


def _text_blocks(block_type: str, spans: list[Span], extra: dict[str, Any] | None = None) -> list[Block]:
    """Build one block of ``block_type`` per 100 rich text elements (one block for short text)."""
    rich_text = to_rich_text(spans)
    if not rich_text:
        if block_type == "paragraph":
            return []
        rich_text = []
    blocks = []
    for start in range(0, max(len(rich_text), 1), MAX_RICH_TEXT_ELEMENTS):
        body: dict[str, Any] = {"rich_text": rich_text[start : start + MAX_RICH_TEXT_ELEMENTS]}
        body.update(extra or {})
        blocks.append(Block(block_type, body))
    return blocks


def _container(block_type: str, nodes: list[SyntaxTreeNode], extra: dict[str, Any] | None = None) -> list[Block]:
    """Build a list item or quote: its first paragraph is its text, the blocks after it its children."""
    spans: list[Span] = []
    rest = nodes
    if nodes and nodes[0].type == "paragraph":
        spans = spans_from_inline(_inline_of(nodes[0]))
        rest = nodes[1:]

    blocks = _text_blocks(block_type, spans, extra)
    if not blocks:
        blocks = [Block(block_type, {"rich_text": [], **(extra or {})})]
    blocks[-1].children = _convert_all(rest)
    return blocks


def _list_item(item: SyntaxTreeNode, item_type: str) -> list[Block]:
    children = item.children
    first = children[0] if children else None
    inline = _inline_of(first) if first is not None and first.type == "paragraph" else None
    if inline is not None and inline.children and inline.children[0].type == "text":
        marker = _TASK_MARKER.match(inline.children[0].content)
        if marker:
            spans = spans_from_inline(inline)
            spans[0] = Span(spans[0].text[marker.end() :], spans[0].bold, spans[0].italic, spans[0].strikethrough, spans[0].code, spans[0].link)
            blocks = _text_blocks("to_do", merge_spans(spans), {"checked": marker.group(1) != " "})
            blocks[-1].children = _convert_all(children[1:])
            return blocks
    return _container(item_type, children)


def _code(content: str, info: str) -> list[Block]:
    text = content[:-1] if content.endswith("\n") else content
    return _text_blocks("code", plain_spans(text), {"language": notion_language(info)})


def _table(node: SyntaxTreeNode) -> Block:
    rows: list[list[list[dict[str, Any]]]] = []
    for section in node.children:
        for row in section.children:
            rows.append([_cell(cell) for cell in row.children])

    width = max((len(row) for row in rows), default=1)
    row_blocks = [Block("table_row", {"cells": row + [[] for _ in range(width - len(row))]}) for row in rows]
    has_header = bool(node.children) and node.children[0].type == "thead"
    body = {"table_width": width, "has_column_header": has_header, "has_row_header": False}
    return Block("table", body, row_blocks)


def _cell(cell: SyntaxTreeNode) -> list[dict[str, Any]]:
    # A cell contains one rich text array; text beyond 100 elements joins the last one unstyled.
    rich_text = to_rich_text(spans_from_inline(_inline_of(cell)))
    if len(rich_text) <= MAX_RICH_TEXT_ELEMENTS:
        return rich_text
    tail = "".join(plain_text([item]) for item in rich_text[MAX_RICH_TEXT_ELEMENTS - 1 :])
    return rich_text[: MAX_RICH_TEXT_ELEMENTS - 1] + to_rich_text(plain_spans(tail))[:1]
