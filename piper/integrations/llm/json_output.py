"""Requesting a JSON object from a provider and parsing the model's output."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from piper.integrations.llm.errors import InvalidJSONOutputError
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
    """Request a JSON object from ``provider`` and return it parsed.

    Raises:
        InvalidJSONOutputError: The output is not a JSON object, even after
            removing a markdown code fence. ``error.text`` contains the output.
        The errors of :meth:`Provider.complete`.
    """
    completion = await provider.complete(messages, system=system, max_tokens=max_tokens, temperature=temperature, json_mode=True)
    return parse_json_output(completion.text, source=f"{provider.name} model {completion.model}")


def parse_json_output(text: str, *, source: str) -> dict[str, Any]:
    """Parse a model's output as one JSON object. ``source`` names the model in the error."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1).strip()

    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as error:
        logger.info("the output of %s is not valid JSON: %s at character %d", source, error.msg, error.pos)
        raise InvalidJSONOutputError(
            f"the {source} returned invalid JSON ({error.msg} at character {error.pos}).",
            text=text,
            hint="Try again, or choose a model that follows JSON instructions.",
        ) from None

    if not isinstance(value, dict):
        raise InvalidJSONOutputError(
            f"the {source} returned a JSON {type(value).__name__}, not an object.",
            text=text,
            hint="Try again, or choose a model that follows JSON instructions.",
        )
    return value
