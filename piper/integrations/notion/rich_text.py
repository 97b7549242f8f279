"""Inline markdown (emphasis, code, links) as Notion rich text objects.

Notion's limits (developers.notion.com, "Request limits"): a text object's
``content`` contains at most 2,000 characters and a link URL at most 2,000;
Notion counts characters in UTF-16 code units, so an emoji counts twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from piper.integrations.notion.html_text import html_to_text

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

MAX_TEXT_LENGTH = 2000
"""Maximum UTF-16 code units in one text object's ``content``."""

MAX_URL_LENGTH = 2000

_LINK_SCHEMES = ("http://", "https://", "mailto:")
"""Schemes Notion accepts in a link. Relative links (``./notes.md``) fail validation, so they stay plain text."""


@dataclass(frozen=True)
class Span:
    """A run of text with one set of annotations and at most one link."""

    text: str
    bold: bool = False
    italic: bool = False
    strikethrough: bool = False
    code: bool = False
    link: str | None = None

    def same_style(self, other: Span) -> bool:
        return (self.bold, self.italic, self.strikethrough, self.code, self.link) == (
            other.bold, other.italic, other.strikethrough, other.code, other.link,
        )


@dataclass
class _Style:
    bold: bool = False
    italic: bool = False
    strikethrough: bool = False
    link: str | None = None
    stack: list[str] = field(default_factory=list)


def spans_from_inline(node: SyntaxTreeNode | None) -> list[Span]:
    """Collect the styled text runs of an ``inline`` node, merging neighbours of the same style."""
    if node is None:
        return []
    spans: list[Span] = []
    _walk(node, _Style(), spans)
    return merge_spans(spans)


def plain_spans(text: str) -> list[Span]:
    return [Span(text)] if text else []


def _walk(node: SyntaxTreeNode, style: _Style, spans: list[Span]) -> None:
    for child in node.children:
        kind = child.type
        if kind == "text":
            spans.append(_span(child.content, style))
        elif kind == "code_inline":
            spans.append(_span(child.content, style, code=True))
        elif kind == "softbreak":
            # A line break inside a markdown paragraph is wrapping, not a new line.
            spans.append(_span(" ", style))
        elif kind == "hardbreak":
            spans.append(_span("\n", style))
        elif kind in ("html_inline", "html_block"):
            # An inline HTML token is one tag or comment, so only <br> and <img> leave text behind.
            spans.append(_span(html_to_text(child.content), style))
        elif kind == "strong":
            _walk(child, _Style(True, style.italic, style.strikethrough, style.link), spans)
        elif kind == "em":
            _walk(child, _Style(style.bold, True, style.strikethrough, style.link), spans)
        elif kind == "s":
            _walk(child, _Style(style.bold, style.italic, True, style.link), spans)
        elif kind == "link":
            _walk(child, _Style(style.bold, style.italic, style.strikethrough, _usable_url(child.attrs.get("href"))), spans)
        elif kind == "image":
            # Notion has no inline images: keep the alt text, linked to the image.
            source = child.attrs.get("src")
            link = _usable_url(source)
            _walk(child, _Style(style.bold, style.italic, style.strikethrough, link), spans)
            if link is None and isinstance(source, str) and source:
                # A local or relative image cannot be linked, so its path is kept as text for the reader to find it.
                spans.append(_span(f" (image: {source})", style))
        else:
            _walk(child, style, spans)


def _span(text: str, style: _Style, *, code: bool = False) -> Span:
    return Span(text, style.bold, style.italic, style.strikethrough, code, style.link)


def _usable_url(url: object) -> str | None:
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH:
        return None
    return url if url.lower().startswith(_LINK_SCHEMES) else None


def merge_spans(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if merged and merged[-1].same_style(span):
            previous = merged.pop()
            span = Span(previous.text + span.text, span.bold, span.italic, span.strikethrough, span.code, span.link)
        merged.append(span)
    return merged


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> Iterator[str]:
    """Cut ``text`` into pieces of at most ``limit`` UTF-16 code units, never inside a character.

    A piece ends after the last newline or space in its second half when
    there is one, so words stay whole where they can.
    """
    while utf16_length(text) > limit:
        end = _prefix_fitting(text, limit)
        cut = max(text.rfind("\n", end // 2, end), text.rfind(" ", end // 2, end))
        if cut > 0:
            end = cut + 1
        yield text[:end]
        text = text[end:]
    if text:
        yield text


def _prefix_fitting(text: str, limit: int) -> int:
    """Return the length of the longest prefix of ``text`` within ``limit`` UTF-16 code units."""
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def to_rich_text(spans: list[Span]) -> list[dict[str, Any]]:
    """Build Notion text objects from ``spans``, splitting any longer than Notion's 2,000-character limit."""
    objects: list[dict[str, Any]] = []
    for span in spans:
        for piece in split_text(span.text):
            text: dict[str, Any] = {"content": piece}
            if span.link:
                text["link"] = {"url": span.link}
            item: dict[str, Any] = {"type": "text", "text": text}
            annotations = {
                name: True
                for name in ("bold", "italic", "strikethrough", "code")
                if getattr(span, name)
            }
            if annotations:
                item["annotations"] = annotations
            objects.append(item)
    return objects


def plain_text(rich_text: list[dict[str, Any]]) -> str:
    return "".join(item.get("text", {}).get("content", "") for item in rich_text)
