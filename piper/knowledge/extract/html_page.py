"""HTML: sections at ``<h1>`` to ``<h6>``, text from the page's readable elements.

Scripts, styles, navigation, headers, footers and forms are dropped because
they repeat on every page and carry no content of their own. The standard
library's tolerant ``html.parser`` reads broken markup without failing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from piper.knowledge.extract.text_files import read_text, squeeze_blank_lines, title_from_path
from piper.knowledge.model import ExtractedDocument, Section

SKIPPED_ELEMENTS = frozenset({"script", "style", "noscript", "template", "nav", "footer", "aside", "form", "svg", "iframe", "button", "select"})
"""Elements whose content is not part of the page's text."""

CONTENT_ELEMENTS = frozenset({"article", "main"})
"""Elements inside which a ``<header>`` belongs to the content (an article's title) rather than to the site."""

BLOCK_ELEMENTS = frozenset({
    "p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "tr", "figure", "figcaption", "br", "hr", "address", "details", "summary",
})
"""Elements that start a new line of text."""

VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
"""Elements without an end tag, which must not open a skipped region."""

_HEADING = re.compile(r"^h([1-6])$")


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.sections: list[Section] = []
        self._stack: list[tuple[int, str]] = []
        self._path: tuple[str, ...] = ()
        self._buffer: list[str] = []
        self._skip_tag: str | None = None
        self._skip_depth = 0
        """Open elements named ``_skip_tag``; only those count, because HTML lets ``</li>`` or ``</p>`` be left out."""
        self._in_title = False
        self._heading_level: int | None = None
        self._heading_text: list[str] = []
        self._in_pre = 0
        self._cells_in_row = 0
        self._content_depth = 0
        self.first_h1: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            if tag in BLOCK_ELEMENTS and self._skip_tag is None:
                self._buffer.append("\n")
            return
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if tag in SKIPPED_ELEMENTS or (tag == "header" and not self._content_depth):
            self._skip_tag, self._skip_depth = tag, 1
            return
        if tag in CONTENT_ELEMENTS:
            self._content_depth += 1
        if tag == "title":
            self._in_title = True
            return
        heading = _HEADING.match(tag)
        if heading:
            self._flush()
            self._heading_level = int(heading.group(1))
            self._heading_text = []
            return
        if tag == "pre":
            self._in_pre += 1
        if tag in BLOCK_ELEMENTS:
            self._buffer.append("\n\n" if tag in {"p", "pre", "table", "blockquote"} else "\n")
        if tag == "tr":
            self._cells_in_row = 0
        if tag in {"td", "th"}:
            if self._cells_in_row:
                self._buffer.append(" | ")
            self._cells_in_row += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self._skip_tag is not None:
            if tag == self._skip_tag:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip_tag = None
            return
        if tag in CONTENT_ELEMENTS:
            self._content_depth = max(0, self._content_depth - 1)
        if tag == "title":
            self._in_title = False
            return
        heading = _HEADING.match(tag)
        if heading and self._heading_level is not None:
            self._close_heading()
            return
        if tag == "pre":
            self._in_pre = max(0, self._in_pre - 1)
        if tag in BLOCK_ELEMENTS and tag != "tr":
            self._buffer.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip_tag is not None:
            return
        if self._in_title:
            self.title += data
        elif self._heading_level is not None:
            self._heading_text.append(data)
        elif self._in_pre:
            self._buffer.append(data)
        else:
            self._buffer.append(re.sub(r"\s+", " ", data))

    def close(self) -> None:
        super().close()
        if self._heading_level is not None:
            self._close_heading()
        self._flush()

    def _close_heading(self) -> None:
        level = self._heading_level
        assert level is not None
        name = " ".join("".join(self._heading_text).split())
        self._heading_level = None
        if not name:
            return
        if level == 1 and self.first_h1 is None:
            self.first_h1 = name
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, name))
        self._path = tuple(heading for _, heading in self._stack)

    def _flush(self) -> None:
        raw = "".join(self._buffer)
        self._buffer = []
        # NOTE: stripping every line also drops the indentation of code in <pre>.
        lines = [line.strip() for line in raw.split("\n")]
        text = squeeze_blank_lines("\n".join(lines))
        if text:
            self.sections.append(Section(heading_path=self._path, text=text))


def read_html(path: Path, document: str) -> ExtractedDocument:
    """Read an HTML file; the title is ``<title>``, else the first ``<h1>``, else the file name."""
    parser = _PageParser()
    parser.feed(read_text(path))
    parser.close()
    title = " ".join(parser.title.split()) or parser.first_h1 or title_from_path(path)
    return ExtractedDocument(path=document, title=title, sections=parser.sections, kind="html")
