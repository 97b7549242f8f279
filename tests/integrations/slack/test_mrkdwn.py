from __future__ import annotations

import pytest

from piper.integrations.slack.mrkdwn import SECTION_LIMIT, markdown_to_mrkdwn, split_mrkdwn


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**bold** and __also bold__", "*bold* and *also bold*"),
        ("*italic* and _italic_", "_italic_ and _italic_"),
        ("~~gone~~", "~gone~"),
        ("See [the docs](https://example.com/a?b=1&c=2)", "See <https://example.com/a?b=1&c=2|the docs>"),
        ("![chart](https://example.com/c.png)", "<https://example.com/c.png|chart>"),
        ("<https://example.com>", "<https://example.com>"),
        ("# Standup", "*Standup*"),
        ("### Done ###", "*Done*"),
        ("- one", "• one"),
        ("* one", "• one"),
        ("    - nested", "    ◦ nested"),
        ("- [x] shipped", "☑ shipped"),
        ("- [ ] pending", "☐ pending"),
        ("1. first", "1. first"),
        ("> quoted **text**", "> quoted *text*"),
        ("---", "──────────"),
        ("a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"),
        ("`x < **y**`", "`x &lt; **y**`"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("[a|b](https://e.com/x|y)", "<https://e.com/x%7Cy|a|b>"),
        ("snake_case_name", "snake_case_name"),
    ],
)
def test_markdown_converts(markdown: str, expected: str) -> None:
    assert markdown_to_mrkdwn(markdown) == expected


def test_fenced_code_kept_and_escaped() -> None:
    markdown = "Before\n```python\nif a < b and **c**:\n    pass\n```\nAfter **x**"

    assert markdown_to_mrkdwn(markdown) == "Before\n```\nif a &lt; b and **c**:\n    pass\n```\nAfter *x*"


def test_table_becomes_aligned_code_block() -> None:
    markdown = "Status:\n\n| Area | State |\n|:---|---:|\n| **API** | done |\n| Web <beta> | a \\| b |\n\nEnd"

    converted = markdown_to_mrkdwn(markdown)

    assert converted == (
        "Status:\n\n```\n"
        "Area        State\n"
        "----------  -----\n"
        "API         done\n"
        "Web &lt;beta&gt;  a | b\n"
        "```\n\nEnd"
    )


def test_pipes_without_rule_not_table() -> None:
    assert markdown_to_mrkdwn("| a | b |\nplain") == "| a | b |\nplain"
    assert markdown_to_mrkdwn("```\n| a |\n|---|\n```") == "```\n| a |\n|---|\n```"


def test_unclosed_fence_closed() -> None:
    assert markdown_to_mrkdwn("```\ncode") == "```\ncode\n```"


def test_split_short_text_one_part() -> None:
    assert split_mrkdwn("hello\n\nworld") == ["hello\n\nworld"]


def test_split_empty_text_no_parts() -> None:
    assert split_mrkdwn("\n\n") == []


def test_split_at_paragraphs() -> None:
    paragraphs = [f"paragraph {index} " + "x" * 900 for index in range(7)]

    parts = split_mrkdwn("\n\n".join(paragraphs))

    assert all(len(part) <= SECTION_LIMIT for part in parts)
    assert len(parts) == 3
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)


def test_split_long_paragraph_at_lines() -> None:
    lines = [f"• line {index} " + "y" * 80 for index in range(100)]

    parts = split_mrkdwn("\n".join(lines))

    assert all(len(part) <= SECTION_LIMIT for part in parts)
    assert "\n".join(parts).split("\n") == lines


def test_split_long_line_at_spaces() -> None:
    words = ["word"] * 2000

    parts = split_mrkdwn(" ".join(words), limit=500)

    assert all(len(part) <= 500 for part in parts)
    assert " ".join(parts).split() == words


def test_split_unbroken_line_hard() -> None:
    parts = split_mrkdwn("z" * 1200, limit=500)

    assert all(len(part) <= 500 for part in parts)
    assert "".join(parts) == "z" * 1200


def test_split_reopens_code_block() -> None:
    code = "```\n" + "\n".join(f"line {index}" for index in range(300)) + "\n```"

    parts = split_mrkdwn(code, limit=1000)

    assert len(parts) > 1
    assert all(len(part) <= 1000 for part in parts)
    assert all(part.startswith("```") and part.endswith("```") for part in parts)
    assert all(part.count("```") == 2 for part in parts)


def test_split_keeps_heading_with_paragraph() -> None:
    text = "*First*\n\n" + "a" * 1500 + "\n\n*Second*\n\n" + "b" * 1500

    parts = split_mrkdwn(text)

    assert parts == ["*First*\n\n" + "a" * 1500, "*Second*\n\n" + "b" * 1500]


def test_split_heading_too_big_to_carry() -> None:
    text = "*First*\n\n" + "a" * 100 + "\n\n*Second*\n\n" + "b" * 2990

    parts = split_mrkdwn(text)

    assert all(len(part) <= SECTION_LIMIT for part in parts)
    assert "\n\n".join(parts) == text
