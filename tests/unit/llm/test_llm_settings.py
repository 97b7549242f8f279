from __future__ import annotations

from pathlib import Path

import pytest

from piper.config import parse_settings
from piper.errors import ConfigError

PATH = Path("/tmp/PIPER.user.md")


def test_llm_block_parses() -> None:
    text = "```yaml\nllm:\n  drafting:\n    provider: openai_compatible\n    model: llama3.1\n    base_url: http://localhost:11434/v1\n  timeout_seconds: 12.5\n  max_retries: 0\n```\n"

    settings = parse_settings(text, path=PATH)

    assert settings.llm.drafting.provider == "openai_compatible"
    assert settings.llm.drafting.model == "llama3.1"
    assert settings.llm.drafting.base_url == "http://localhost:11434/v1"
    assert settings.llm.conversation.provider == "none"
    assert settings.llm.timeout_seconds == 12.5
    assert settings.llm.max_retries == 0


@pytest.mark.parametrize(
    ("block", "line", "expected"),
    [
        ("llm:\n  drafting:\n    provider: gemini\n    model: x\n", 4, "invalid value 'gemini'"),
        ("llm:\n  drafting:\n    provider: anthropic\n", 3, "the provider 'anthropic' needs a model"),
        ("llm:\n  timeout_seconds: 0\n", 3, "the timeout must be more than 0 seconds"),
        ("llm:\n  max_retries: 11\n", 3, "between 0 and 10"),
        ("llm:\n  drafting:\n    modle: x\n", 4, "unknown key"),
        ("llm:\n  drafting:\n    provider: openai\n    model: m\n    base_url: localhost:11434\n", 6, "is not an http:// or https:// URL"),
    ],
)
def test_llm_block_errors(block: str, line: int, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(f"```yaml\n{block}```\n", path=PATH)

    assert caught.value.details["line"] == line
    assert expected in caught.value.message
