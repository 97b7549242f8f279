"""Tests for finding fenced YAML blocks in markdown (CommonMark fence rules) and their lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from piper.errors import ConfigError
from piper.yaml_blocks import find_yaml_blocks, format_key_path, parse_yaml_blocks

PATH = Path("/config/PIPER.user.md")


def test_blocks_tilde_fence() -> None:
    blocks = find_yaml_blocks("~~~yaml\na: 1\n~~~\n", path=PATH)

    assert [(block.text, block.fence_line) for block in blocks] == [("a: 1", 1)]


def test_blocks_longer_closing_fence() -> None:
    blocks = find_yaml_blocks("```yaml\na: 1\n`````\nb: 2\n", path=PATH)

    assert [block.text for block in blocks] == ["a: 1"]


def test_blocks_shorter_fence_inside() -> None:
    blocks = find_yaml_blocks("````yaml\na: |\n  ```\n  b\n````\n", path=PATH)

    assert blocks[0].text == "a: |\n  ```\n  b"


def test_blocks_tilde_does_not_close_backticks() -> None:
    blocks = find_yaml_blocks("```yaml\na: 1\n~~~\n```\n", path=PATH)

    assert blocks[0].text == "a: 1\n~~~"


def test_blocks_indented_fence_strips_indent() -> None:
    blocks = find_yaml_blocks("  ```yaml\n  a:\n    b: 1\n c: 2\n  ```\n", path=PATH)

    assert blocks[0].text == "a:\n  b: 1\nc: 2"


def test_blocks_four_spaces_is_code() -> None:
    assert find_yaml_blocks("    ```yaml\n    a: 1\n    ```\n", path=PATH) == []


def test_blocks_info_string_words() -> None:
    blocks = find_yaml_blocks("``` yml title=settings\na: 1\n```\n```yamlx\nb: 2\n```\n", path=PATH)

    assert [block.text for block in blocks] == ["a: 1"]


def test_blocks_backtick_in_info_is_not_fence() -> None:
    assert find_yaml_blocks("```yaml `inline`\na: 1\n```\n", path=PATH) == []


def test_blocks_unclosed_other_language_ignored() -> None:
    assert find_yaml_blocks("```yaml\na: 1\n```\n```text\nno end\n", path=PATH)[0].text == "a: 1"


def test_blocks_unclosed_yaml_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        find_yaml_blocks("intro\n~~~~yml\na: 1\n~~~\n", path=PATH)

    assert caught.value.message == "/config/PIPER.user.md:2: the ~~~~yml block that opens here is never closed."
    assert caught.value.hint == "Add a line containing only ~~~~ after the block's last line."


def test_lines_of_nested_keys_and_items() -> None:
    document = parse_yaml_blocks(
        "# Title\n\n```yaml\nscan:\n  - path: a\n\n    depth: 1\n  - {path: b}\nidentity:\n  emails: [x@y, z@w]\n```\n",
        path=PATH,
    )

    assert document.lines[("scan",)] == 4
    assert document.lines[("scan", 0)] == 5
    assert document.lines[("scan", 0, "depth")] == 7
    assert document.lines[("scan", 1)] == 8
    assert document.lines[("scan", 1, "path")] == 8
    assert document.lines[("identity", "emails", 1)] == 10


def test_line_of_falls_back_to_parent() -> None:
    document = parse_yaml_blocks("```yaml\nscan:\n  - path: a\n  - depth: 2\n```\n", path=PATH)

    assert document.line_of(("scan", 1, "path")) == 4
    assert document.line_of(("nowhere",)) is None


def test_recursive_alias_terminates() -> None:
    document = parse_yaml_blocks("```yaml\nloop: &a [*a]\n```\n", path=PATH)

    assert document.lines[("loop",)] == 2


def test_multiple_documents_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_yaml_blocks("```yaml\na: 1\n---\nb: 2\n```\n", path=PATH)

    assert caught.value.message == (
        "/config/PIPER.user.md:3: invalid YAML: expected a single document in the stream, but found another document."
    )
    assert "'---'" in caught.value.hint


def test_set_tag_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_yaml_blocks("```yaml\n!!set {a, b}\n```\n", path=PATH)

    assert caught.value.details["line"] == 2
    assert "must contain keys" in caught.value.message


def test_format_key_path() -> None:
    assert format_key_path(("scan", 0, "depth")) == "scan[0].depth"
    assert format_key_path(("identity", "emails", 2)) == "identity.emails[2]"
    assert format_key_path(()) == ""
