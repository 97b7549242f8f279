"""Fenced YAML blocks in a markdown file, merged into one mapping with line numbers.

``PIPER.user.md`` keeps its settings in fenced code blocks tagged ``yaml`` or
``yml``. This module finds those blocks (CommonMark fence rules), parses each
with PyYAML and merges their top-level keys in order. It records the line of
every key and list item in the markdown file, so that errors found later (by
validation) can point at the line the user has to edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from piper.errors import ConfigError

YAML_TAGS = frozenset({"yaml", "yml"})
"""Info-string languages that mark a fenced block as settings (compared case-insensitively)."""

KeyPath = tuple[str | int, ...]
"""Location of a value: mapping keys and list indexes from the top, e.g. ``("scan", 0, "depth")``."""

# CommonMark: an opening fence is indented by at most three spaces and made of
# at least three backticks or tildes, followed by an optional info string.
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"

_YAML_HINT = (
    "Check the indentation of this line and the one before it (spaces only, no tabs), "
    "and put values that contain ': ' or ' #' or start with [ { * & ! in quotes."
)


@dataclass(frozen=True, slots=True)
class YamlBlock:
    """One fenced YAML block of a markdown file."""

    text: str
    """The block's content, without the fence lines."""

    fence_line: int
    """1-based line number of the opening fence."""

    @property
    def first_line(self) -> int:
        """1-based line number of the block's first content line."""
        return self.fence_line + 1


@dataclass(slots=True)
class YamlDocument:
    """The merged top-level keys of all YAML blocks and where each value is written."""

    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[KeyPath, int] = field(default_factory=dict)
    """1-based line in the markdown file of each key, and of each list item."""

    def line_of(self, location: KeyPath) -> int | None:
        """Return the line of ``location``, or of its nearest enclosing key or item that has one."""
        for end in range(len(location), 0, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return None


def format_key_path(location: KeyPath) -> str:
    """Format a location the way users write it: ``scan[0].depth``, ``identity.emails[1]``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def located_error(
    path: Path,
    line: int | None,
    problem: str,
    *,
    key: str | None = None,
    hint: str | None = None,
) -> ConfigError:
    """Build a ConfigError whose message reads ``FILE:LINE: KEY: problem``, as compilers print them."""
    prefix = f"{path}:{line}" if line is not None else str(path)
    message = f"{prefix}: {key}: {problem}" if key else f"{prefix}: {problem}"
    details: dict[str, Any] = {"path": str(path), "line": line}
    if key:
        details["key"] = key
    return ConfigError(message, hint=hint, details=details)


def find_yaml_blocks(markdown: str, *, path: Path) -> list[YamlBlock]:
    """Return the fenced ``yaml``/``yml`` blocks of ``markdown`` in file order.

    ``markdown`` must use ``\\n`` line ends. Fences follow CommonMark: a block
    closes at a fence of the same character that is at least as long as the
    opening one, so a ```` ```yaml ```` example inside a longer fence is not
    a settings block. Up to the opening fence's indentation is removed from
    each content line.

    Raises:
        ConfigError: A YAML block is never closed.
    """
    # NOTE: fences inside block quotes or list items are not recognised. A settings
    # block has to start at the left margin, indented by at most three spaces.
    lines = markdown.split("\n")
    blocks: list[YamlBlock] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue

        fence = opening["fence"]
        indent = len(opening["indent"])
        language = opening["info"].strip().split(" ", 1)[0].lower()
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")

        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1

        if language in YAML_TAGS:
            if end == len(lines):
                raise located_error(
                    path,
                    index + 1,
                    f"the {fence}{language} block that opens here is never closed.",
                    hint=f"Add a line containing only {fence} after the block's last line.",
                )
            content = [_strip_indent(line, indent) for line in lines[index + 1 : end]]
            blocks.append(YamlBlock(text="\n".join(content), fence_line=index + 1))

        index = end + 1
    return blocks


def _strip_indent(line: str, indent: int) -> str:
    removable = len(line) - len(line.lstrip(" "))
    return line[min(indent, removable) :]


def parse_yaml_blocks(markdown: str, *, path: Path) -> YamlDocument:
    """Parse and merge the YAML blocks of ``markdown``, recording the line of every key.

    Each block must be a mapping (or empty). The blocks' top-level keys are
    merged in order, and a key may appear only once across all blocks and
    within any mapping.

    Raises:
        ConfigError: Invalid YAML, a block that is not a mapping, a key that is
            not text, or a key defined twice. The message names the line.
    """
    document = YamlDocument()
    for block in find_yaml_blocks(markdown, path=path):
        block_lines: dict[KeyPath, int] = {}
        value = _load_block(block, block_lines, path=path)
        if value is None:
            continue

        for key, item in value.items():
            line = block_lines[(key,)]
            if key in document.data:
                raise located_error(
                    path,
                    line,
                    f"defined twice, first at line {document.lines[(key,)]}.",
                    key=key,
                    hint=f"Each top-level key may appear in one block only. Move everything under '{key}' into one place.",
                )
            document.data[key] = item
        document.lines.update(block_lines)
    return document


def _load_block(block: YamlBlock, lines: dict[KeyPath, int], *, path: Path) -> dict[str, Any] | None:
    """Parse one block into a mapping, or None when it is empty, and store its key lines in ``lines``."""
    loader = yaml.SafeLoader(block.text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None

        if not isinstance(node, yaml.MappingNode):
            raise _not_a_mapping(node, block, path=path)

        # Lines and duplicate keys come from the composed tree, before construction,
        # because construction flattens '<<' merge keys in place.
        _record_lines(node, (), block.first_line, lines, path=path, active=set())
        value = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = block.first_line + mark.line if mark is not None else block.fence_line
        problem = error.problem or error.context or "the YAML cannot be parsed"
        if problem.startswith("but ") and error.context:
            problem = f"{error.context}, {problem}"
        elif error.context and error.context_mark and mark and error.context_mark.line != mark.line:
            # PyYAML reports an unclosed '[' or '{' where parsing failed, so also name the line where it opened.
            construct = re.sub(r"^while (?:parsing|scanning) an? ", "", error.context)
            problem = f"{problem}. The {construct} starts at line {block.first_line + error.context_mark.line}"
        hint = _YAML_HINT
        if error.context and "single document" in error.context:
            hint = "A block contains one YAML document, so remove the '---' line or start a new block there."
        raise located_error(path, line, f"invalid YAML: {problem}.", hint=hint) from None
    except yaml.YAMLError as error:
        raise located_error(path, block.fence_line, f"invalid YAML: {error}.", hint=_YAML_HINT) from None
    finally:
        loader.dispose()

    # Explicit tags such as '!!set' or '!!omap' turn a mapping node into another type.
    if not isinstance(value, dict):
        raise _not_a_mapping(node, block, path=path)
    return value


def _not_a_mapping(node: yaml.Node, block: YamlBlock, *, path: Path) -> ConfigError:
    return located_error(
        path,
        block.first_line + node.start_mark.line,
        f"this YAML block is {_describe_node(node)}, but a settings block must contain keys.",
        hint="Write top-level keys such as 'identity:' or 'repositories:' at the start of the line.",
    )


def _record_lines(
    node: yaml.Node,
    location: KeyPath,
    first_line: int,
    lines: dict[KeyPath, int],
    *,
    path: Path,
    active: set[int],
) -> None:
    """Store the markdown line of every key and list item below ``node`` in ``lines``.

    Raises:
        ConfigError: A key is not text, or a mapping contains the same key twice
            (PyYAML would silently keep the last one, hiding a mistyped copy).
    """
    # An alias can make the tree recursive ('&a [*a]'), so stop at a node already on the stack.
    if id(node) in active:
        return
    active.add(id(node))

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue

            line = first_line + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR_TAG:
                raise located_error(
                    path,
                    line,
                    f"invalid key {_describe_node(key_node)}: setting names must be text.",
                    key=format_key_path(location) or None,
                    hint="Use one of the setting names documented in config/PIPER.user.md.",
                )

            child = (*location, key_node.value)
            if child in lines:
                raise located_error(
                    path,
                    line,
                    f"defined twice in the same mapping, first at line {lines[child]}.",
                    key=format_key_path(child),
                    hint="Delete one of the two lines.",
                )
            lines[child] = line
            _record_lines(value_node, child, first_line, lines, path=path, active=active)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            child = (*location, position)
            lines[child] = first_line + item.start_mark.line
            _record_lines(item, child, first_line, lines, path=path, active=active)

    active.discard(id(node))


def _describe_node(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return repr(node.value)
