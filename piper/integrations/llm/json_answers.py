"""Asking a provider for a JSON object and parsing its answer."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from piper.integrations.llm.errors import InvalidJSONAnswerError
from piper.integrations.llm.model import Message, Provider

logger = logging.getLogger(__name__)

# Models asked for bare JSON still wrap it in a markdown fence now and then.
_FENCE = re.compile(r"^```(?:json)?\s*\n?(.*?)\n?```$", re.DOTALL | re.IGNORECASE)


async def complete_json(
    provider: Provider,
    messages: Sequence[Message],
    *,
    system: str | None = None,
    max_tokens: int = 512,
    temperature: float = 0.0,
) -> dict[str, Any]:
    """Ask ``provider`` for a JSON object and return it parsed.

    Raises:
        InvalidJSONAnswerError: The answer is not a JSON object, even after
            removing a markdown code fence. ``error.text`` holds the answer.
        The errors of :meth:`Provider.complete`.
    """
    completion = await provider.complete(messages, system=system, max_tokens=max_tokens, temperature=temperature, json_mode=True)
    return parse_json_answer(completion.text, source=f"{provider.name} model {completion.model}")


def parse_json_answer(text: str, *, source: str) -> dict[str, Any]:
    """Parse a model's answer as one JSON object; ``source`` names the model in the error."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1).strip()

    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as error:
        logger.info("the %s answer is not valid JSON: %s at character %d", source, error.msg, error.pos)
        raise InvalidJSONAnswerError(
            f"the {source} answered with invalid JSON ({error.msg} at character {error.pos}).",
            text=text,
            hint="Try again, or choose a model that follows JSON instructions.",
        ) from None

    if not isinstance(value, dict):
        raise InvalidJSONAnswerError(
            f"the {source} answered with a JSON {type(value).__name__}, not an object.",
            text=text,
            hint="Try again, or choose a model that follows JSON instructions.",
        )
    return value
