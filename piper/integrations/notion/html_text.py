"""Raw HTML in markdown as plain text, because Notion blocks cannot hold HTML.

Comments are dropped, since markdown authors use them for notes that are
not meant to be shown. ``<script>`` and ``<style>`` contents are dropped,
``<br>`` and block-level tags become line breaks, and an ``<img>`` becomes
its alt text or, without one, its source.
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    "address article aside blockquote details dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag == "br" or tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "img":
            values = dict(attrs)
            self.parts.append(values.get("alt") or f"(image: {values.get('src') or 'no source'})")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Return the text of ``fragment`` without its tags, with line breaks where block tags and ``<br>`` were."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "".join(collector.parts)


def html_to_lines(fragment: str) -> list[str]:
    """Return the non-blank lines of :func:`html_to_text`, each with its spaces collapsed."""
    return [" ".join(line.split()) for line in html_to_text(fragment).splitlines() if line.strip()]
