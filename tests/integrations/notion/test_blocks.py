"""Markdown to Notion blocks: every construct the publisher supports, and Notion's size limits."""

from __future__ import annotations

from piper.integrations.notion.blocks import Block, markdown_to_blocks
from piper.integrations.notion.languages import notion_language
from piper.integrations.notion.publish import prepare_request, split_title
from piper.integrations.notion.rich_text import split_text, utf16_length


def _texts(block: Block) -> list[dict]:
    return block.body["rich_text"]


def test_headings_map_to_three_levels() -> None:
    blocks = markdown_to_blocks("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six\n")

    assert [block.type for block in blocks] == ["heading_1", "heading_2", "heading_3", "heading_3", "heading_3"]
    assert _texts(blocks[3])[0]["text"]["content"] == "Four"


def test_inline_annotations_and_links() -> None:
    [block] = markdown_to_blocks("Plain **bold** *italic* `code` ~~gone~~ [site](https://example.com) [local](./notes.md)\n")
    items = _texts(block)

    styled = {item["text"]["content"]: item.get("annotations", {}) for item in items}
    assert styled["bold"] == {"bold": True}
    assert styled["italic"] == {"italic": True}
    assert styled["code"] == {"code": True}
    assert styled["gone"] == {"strikethrough": True}
    links = {item["text"]["content"]: item["text"].get("link") for item in items}
    assert links["site"] == {"url": "https://example.com"}
    # Notion rejects relative URLs, so a relative link keeps its text without the link.
    assert "local" in "".join(item["text"]["content"] for item in items)
    assert all(item["text"].get("link") is None for item in items if "local" in item["text"]["content"])


def test_nested_bold_inside_link() -> None:
    [block] = markdown_to_blocks("[**bold link**](https://example.com/x)\n")
    [item] = _texts(block)

    assert item["annotations"] == {"bold": True}
    assert item["text"]["link"] == {"url": "https://example.com/x"}


def test_soft_break_is_space_hard_break_is_newline() -> None:
    [block] = markdown_to_blocks("first\nsecond  \nthird\n")

    assert _texts(block)[0]["text"]["content"] == "first second\nthird"


def test_lists_nest_and_number() -> None:
    blocks = markdown_to_blocks("- a\n  - b\n    1. c\n- d\n\n1. one\n2. two\n")

    assert [block.type for block in blocks] == ["bulleted_list_item", "bulleted_list_item", "numbered_list_item", "numbered_list_item"]
    [child] = blocks[0].children
    assert child.type == "bulleted_list_item"
    assert child.children[0].type == "numbered_list_item"
    assert _texts(child.children[0])[0]["text"]["content"] == "c"


def test_task_list_items_become_to_dos() -> None:
    blocks = markdown_to_blocks("- [ ] open task\n- [x] done task\n- [X] also done\n- plain [ ] item\n")

    assert [block.type for block in blocks] == ["to_do", "to_do", "to_do", "bulleted_list_item"]
    assert [block.body.get("checked") for block in blocks[:3]] == [False, True, True]
    assert _texts(blocks[0])[0]["text"]["content"] == "open task"


def test_code_fence_languages() -> None:
    blocks = markdown_to_blocks("```py\nprint(1)\n```\n\n```klingon\nx\n```\n\n```\nplain\n```\n\n    indented\n")

    assert [block.body["language"] for block in blocks] == ["python", "plain text", "plain text", "plain text"]
    assert _texts(blocks[0])[0]["text"]["content"] == "print(1)"
    assert _texts(blocks[3])[0]["text"]["content"] == "indented"


def test_language_aliases() -> None:
    assert notion_language("ts") == "typescript"
    assert notion_language("Python title=x.py") == "python"
    assert notion_language("c++") == "c++"
    assert notion_language("") == "plain text"


def test_quote_divider_and_table() -> None:
    blocks = markdown_to_blocks("> said\n>\n> more\n\n---\n\n| a | b |\n|---|---|\n| 1 |\n| 2 | 3 |\n")

    assert [block.type for block in blocks] == ["quote", "divider", "table"]
    assert blocks[0].children[0].type == "paragraph"
    table = blocks[2]
    assert table.body == {"table_width": 2, "has_column_header": True, "has_row_header": False}
    assert [row.type for row in table.children] == ["table_row"] * 3
    # A short row is padded to the table's width, because Notion requires every row to have it.
    assert len(table.children[1].body["cells"]) == 2
    assert table.children[1].body["cells"][1] == []


def test_long_text_split_at_2000() -> None:
    [block] = markdown_to_blocks("word " * 1000 + "\n")
    items = _texts(block)

    assert len(items) == 3
    assert all(utf16_length(item["text"]["content"]) <= 2000 for item in items)
    assert "".join(item["text"]["content"] for item in items) == ("word " * 1000).strip()


def test_split_counts_utf16_units() -> None:
    text = "😀" * 1500
    pieces = list(split_text(text))

    assert [utf16_length(piece) for piece in pieces] == [2000, 1000]
    assert "".join(pieces) == text


def test_more_than_100_elements_continue() -> None:
    markdown = " ".join(f"**b{i}** n{i}" for i in range(120)) + "\n"
    blocks = markdown_to_blocks(markdown)

    assert [block.type for block in blocks] == ["paragraph", "paragraph", "paragraph"]
    assert [len(_texts(block)) for block in blocks] == [100, 100, 40]


def test_split_title_from_heading() -> None:
    assert split_title("# Road **map**\n\nbody\n", title=None, fallback="file") == ("Road map", "\nbody\n")
    assert split_title("Setext\n===\n\nbody\n", title=None, fallback="file") == ("Setext", "\nbody\n")
    assert split_title("intro\n\n# Later\n", title=None, fallback="file") == ("file", "intro\n\n# Later\n")
    assert split_title("## Small\n", title=None, fallback="file") == ("file", "## Small\n")
    assert split_title("# Kept\n", title="Given", fallback="file") == ("Given", "# Kept\n")


def test_empty_document_has_no_blocks() -> None:
    assert markdown_to_blocks("") == []
    assert markdown_to_blocks("\n\n   \n") == []


def test_request_defers_deep_children() -> None:
    blocks = markdown_to_blocks("- a\n  - flat\n  - b\n    - c\n  - after\n- d\n  - e\n")
    payload, pending, sent, used = prepare_request(blocks)

    first = payload[0]["bulleted_list_item"]
    assert [child["bulleted_list_item"]["rich_text"][0]["text"]["content"] for child in first["children"]] == ["flat"]
    assert payload[1]["bulleted_list_item"]["children"][0]["type"] == "bulleted_list_item"
    assert sent == 4
    assert [(waiting.index, [block.preview() for block in waiting.blocks], waiting.existing) for waiting in pending] == [
        (0, ["bulleted_list_item: b", "bulleted_list_item: after"], 1)
    ]


def test_request_defers_nested_table() -> None:
    blocks = markdown_to_blocks("- item\n\n  before\n\n  | a |\n  |---|\n  | 1 |\n\n  after\n")
    payload, pending, sent, used = prepare_request(blocks)

    children = payload[0]["bulleted_list_item"]["children"]
    assert [child["type"] for child in children] == ["paragraph"]
    assert [(waiting.index, [block.type for block in waiting.blocks], waiting.existing) for waiting in pending] == [
        (0, ["table", "paragraph"], 1)
    ]
    assert sent == 2


def test_split_title_front_matter() -> None:
    document = "---\ntitle: Checkout PRD\nowner: dana\n---\n# Checkout redesign\n\nbody\n"

    assert split_title(document, title=None, fallback="file") == ("Checkout PRD", "# Checkout redesign\n\nbody\n")
    assert split_title(document, title="Given", fallback="file") == ("Given", "# Checkout redesign\n\nbody\n")
    assert split_title("---\nowner: dana\n...\n# Heading\n\nbody\n", title=None, fallback="file") == ("Heading", "\nbody\n")


def test_split_title_keeps_thematic_break() -> None:
    # A break followed by a setext heading looks like front matter but is not a YAML mapping.
    assert split_title("---\nSetext\n---\nbody\n", title=None, fallback="file") == ("file", "---\nSetext\n---\nbody\n")
    assert split_title("---\n\ntext\n", title=None, fallback="file") == ("file", "---\n\ntext\n")
    assert split_title("---\n: [unclosed\n---\nbody\n", title=None, fallback="file")[1] == "---\n: [unclosed\n---\nbody\n"


def test_lone_image_becomes_image_block() -> None:
    [image, inline, local] = markdown_to_blocks(
        "![Funnel *chart*](https://example.com/funnel.png)\n\nSee ![icon](https://example.com/i.png) here\n\n![Local](images/local.png)\n"
    )

    assert image.type == "image"
    assert image.body["external"] == {"url": "https://example.com/funnel.png"}
    assert [item["text"]["content"] for item in image.body["caption"]] == ["Funnel ", "chart"]
    assert inline.type == "paragraph"
    assert [item["text"].get("link") for item in _texts(inline)] == [None, {"url": "https://example.com/i.png"}, None]
    assert local.type == "paragraph"
    assert [item["text"]["content"] for item in _texts(local)] == ["Local (image: images/local.png)"]


def test_html_comments_are_not_published() -> None:
    blocks = markdown_to_blocks("<!-- internal: margin is 40% -->\n\nShip <!-- quietly --> on Friday.\n\n<!--\nmulti\nline -->\n")

    assert [block.preview() for block in blocks] == ["paragraph: Ship on Friday."]
    assert "margin" not in str([block.body for block in blocks])
    assert "quietly" not in str([block.body for block in blocks])


def test_html_becomes_visible_text() -> None:
    markdown = (
        "Press <kbd>Ctrl</kbd> then<br>Enter &amp; wait.\n\n"
        "<details><summary>More</summary>\n\nHidden text\n\n</details>\n\n"
        '<div align="center">\n  <img src="https://example.com/logo.png" alt="Logo">\n  <p>Centered <b>caption</b> &copy; 2026</p>\n'
        "  <script>track()</script>\n</div>\n"
    )

    blocks = markdown_to_blocks(markdown)

    assert [item["text"]["content"] for item in _texts(blocks[0])] == ["Press Ctrl then\nEnter & wait."]
    assert [block.preview() for block in blocks[1:]] == [
        "paragraph: More", "paragraph: Hidden text", "paragraph: Logo", "paragraph: Centered caption © 2026",
    ]
