from __future__ import annotations

import pytest

from piper.integrations.llm.errors import InvalidJSONOutputError
from piper.integrations.llm.json_output import parse_json_output


@pytest.mark.parametrize(
    "text",
    [
        '{"action": "create_todo"}',
        '  {"action": "create_todo"}\n',
        '```json\n{"action": "create_todo"}\n```',
        '```\n{"action": "create_todo"}\n```',
    ],
)
def test_parse_accepts_object(text: str) -> None:
    assert parse_json_output(text, source="double") == {"action": "create_todo"}


def test_parse_rejects_prose() -> None:
    with pytest.raises(InvalidJSONOutputError) as caught:
        parse_json_output("Sure! The action is create_todo.", source="openai model m")

    assert "openai model m returned invalid JSON" in caught.value.message
    assert caught.value.text == "Sure! The action is create_todo."


def test_parse_rejects_array() -> None:
    with pytest.raises(InvalidJSONOutputError) as caught:
        parse_json_output('["create_todo"]', source="double")

    assert "a JSON list, not an object" in caught.value.message


def test_parse_rejects_truncated_object() -> None:
    with pytest.raises(InvalidJSONOutputError):
        parse_json_output('{"action": "create_', source="double")
