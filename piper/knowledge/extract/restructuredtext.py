"""reStructuredText: sections from docutils' document tree.

docutils defines only its own directives and roles. Documentation written for
Sphinx uses many more (``code-block``, ``versionadded``, ``:class:``,
``:doc:``), and docutils reports each unknown one as an error and drops its
content. Every unknown name found in the source is therefore registered as a
generic directive or role that keeps the readable text: a directive's
argument and body, a role's title.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, ClassVar

from piper.knowledge.extract.text_files import read_text, squeeze_blank_lines, title_from_path
from piper.knowledge.model import ExtractedDocument, Section

_DIRECTIVE_NAME = re.compile(r"^\s*\.\.\s+([A-Za-z0-9][\w.:+-]*)::", re.MULTILINE)
_ROLE_NAME = re.compile(r"(?<![\w`]):([A-Za-z0-9](?:[-_.:+]?[A-Za-z0-9]+)*):`")
_ROLE_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
_HEADER_FIELD = re.compile(r"^:?([A-Za-z][\w-]*):(?:[ \t]+(.*))?$")

CODE_DIRECTIVES = frozenset({"code-block", "sourcecode", "console", "doctest", "testcode", "testoutput", "prompt"})
"""Sphinx directives whose body is code: kept verbatim instead of being parsed as reStructuredText."""

SKIPPED_DIRECTIVES = frozenset({"toctree", "index", "highlight", "literalinclude", "tabularcolumns", "currentmodule", "module", "default-role", "autosummary"})
"""Sphinx directives whose body is navigation or build configuration, not text a reader searches for."""

NUMBERED_ROLES = {"pep": "PEP", "rfc": "RFC"}
"""Roles that docutils defines but rejects in Sphinx's ``:pep:`Title <8#anchor>``` form; rendered as "PEP 8" or the title."""

_SETTINGS = {
    "report_level": 5,  # Never print docutils' warnings: a document with broken markup is still worth indexing.
    "halt_level": 5,
    "warning_stream": io.StringIO(),
    "file_insertion_enabled": False,  # ``.. include::`` must not read files outside the added folder.
    "raw_enabled": False,
    "doctitle_xform": False,  # Keep the top heading as a section, like every other heading.
    "sectsubtitle_xform": False,
    "syntax_highlight": "none",
    "_disable_config": True,  # Ignore docutils.conf files on this machine.
}


def read_rst(path: Path, document: str) -> ExtractedDocument:
    """Read a reStructuredText file into one section per heading."""
    from docutils import nodes
    from docutils.core import publish_doctree

    source = read_text(path)
    _register_unknown_names(source)
    settings = dict(_SETTINGS, warning_stream=io.StringIO())
    tree = publish_doctree(source, source_path=str(path), settings_overrides=settings)

    for message in list(tree.findall(nodes.system_message)):
        message.parent.remove(message)

    sections: list[Section] = []
    _collect(tree, (), sections)

    top_sections = [child for child in tree.children if isinstance(child, nodes.section)]
    title = _header_title(source) or (_section_title(top_sections[0]) if top_sections else title_from_path(path))
    return ExtractedDocument(path=document, title=title, sections=sections, kind="rst")


def _header_title(source: str) -> str | None:
    """Return the ``Title:`` field of a header block at the top of the file, as PEPs start.

    The header is RFC 2822 style ("PEP: 8", "Title: ...", continuation lines
    indented) or a reStructuredText field list (":Title: ..."). Its first
    field must come on the first non-blank line, and a blank line ends it.
    """
    fields: dict[str, list[str]] = {}
    current = ""
    for line in source.lstrip("\ufeff").splitlines():
        if not line.strip():
            if fields:
                break
            continue
        field = _HEADER_FIELD.match(line)
        if field:
            current = field.group(1).lower()
            fields.setdefault(current, [(field.group(2) or "").strip()])
        elif fields and line[:1] in " \t":
            fields[current].append(line.strip())
        else:
            return None  # Not a header block: ordinary text or a heading comes first.
    return " ".join(fields.get("title", [])) or None


def _collect(node: Any, heading_path: tuple[str, ...], sections: list[Section]) -> None:
    from docutils import nodes

    paragraphs: list[str] = []

    def flush() -> None:
        text = squeeze_blank_lines("\n\n".join(paragraphs))
        if text:
            sections.append(Section(heading_path=heading_path, text=text))
        paragraphs.clear()

    for child in node.children:
        if isinstance(child, nodes.section):
            flush()
            _collect(child, heading_path + (_section_title(child),), sections)
        elif isinstance(child, _IGNORED_NODES()):
            continue
        else:
            text = child.astext().strip()
            if text:
                paragraphs.append(text)
    flush()


def _IGNORED_NODES() -> tuple[type, ...]:  # noqa: N802 - a constant that needs docutils imported first
    from docutils import nodes

    return (nodes.title, nodes.comment, nodes.target, nodes.substitution_definition, nodes.pending, nodes.raw, nodes.docinfo)


def _section_title(section: Any) -> str:
    from docutils import nodes

    for child in section.children:
        if isinstance(child, nodes.title):
            return " ".join(child.astext().split())
    return ""


# --- Unknown directives and roles ---------------------------------------------------------


def _register_unknown_names(source: str) -> None:
    """Register a generic directive or role for every name in ``source`` that docutils does not know.

    The docutils registries are process-wide, so a name registered once
    stays registered; Piper uses docutils for nothing else.
    """
    from docutils.parsers.rst import directives, roles
    from docutils.parsers.rst.languages import en

    for name in set(_DIRECTIVE_NAME.findall(source)):
        key = name.lower()
        # docutils' own ``code-block`` rejects Sphinx options such as ``:linenos:`` and then drops the code.
        if key in CODE_DIRECTIVES or (key not in en.directives and key not in directives._directives):
            directives.register_directive(key, _generic_directive_class())
    for name in set(_ROLE_NAME.findall(source)):
        key = name.lower()
        if key in NUMBERED_ROLES:
            roles.register_local_role(key, _numbered_role)
        elif key not in en.roles and key not in roles._roles:
            roles.register_local_role(key, _generic_role)


class _AnyOption(dict):
    """An option spec that accepts every option name and keeps its value as text."""

    def __missing__(self, key: str) -> Any:
        from docutils.parsers.rst import directives

        return directives.unchanged

    def __bool__(self) -> bool:
        # docutils parses a directive's option block only when its option spec is truthy.
        return True


_GENERIC_DIRECTIVE: type | None = None


def _generic_directive_class() -> type:
    global _GENERIC_DIRECTIVE
    if _GENERIC_DIRECTIVE is not None:
        return _GENERIC_DIRECTIVE

    from docutils import nodes
    from docutils.parsers.rst import Directive

    class GenericDirective(Directive):
        """Keeps an unknown directive's argument as a paragraph and its body as text or code."""

        optional_arguments = 1
        final_argument_whitespace = True
        has_content = True
        option_spec: ClassVar[dict[str, Any]] = _AnyOption()

        def run(self) -> list[Any]:
            name = self.name.lower()
            if name in SKIPPED_DIRECTIVES:
                return []

            result: list[Any] = []
            # A code directive's argument is the language name, which is no text to search.
            if self.arguments and name not in CODE_DIRECTIVES:
                result.append(nodes.paragraph(text=" ".join(self.arguments[0].split())))
            if not self.content:
                return result
            if name in CODE_DIRECTIVES:
                code = "\n".join(self.content)
                result.append(nodes.literal_block(code, code))
                return result

            body = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, body)
            result.append(body)
            return result

    _GENERIC_DIRECTIVE = GenericDirective
    return GenericDirective


def _generic_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> tuple[list[Any], list[Any]]:
    """Render an unknown role as the text a reader would see: ``:class:`~a.b.Model``` gives ``Model``."""
    from docutils import nodes, utils

    shown = utils.unescape(text)
    target = _ROLE_TARGET.match(shown)
    if target:
        shown = target.group(1) or target.group(2)
    shown = shown.lstrip("!")
    if shown.startswith("~"):
        shown = shown[1:].rsplit(".", 1)[-1]
    return [nodes.literal(rawtext, shown)], []


def _numbered_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> tuple[list[Any], list[Any]]:
    """Render ``:pep:`8``` as ``PEP 8`` and ``:rfc:`HTTP <7231#section-4>``` as ``HTTP``."""
    from docutils import nodes, utils

    shown = utils.unescape(text)
    target = _ROLE_TARGET.match(shown)
    if target and target.group(1):
        shown = target.group(1)
    else:
        shown = f"{NUMBERED_ROLES[name.lower()]} {shown.split('#', 1)[0].strip()}"
    return [nodes.Text(shown)], []
