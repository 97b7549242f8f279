"""Drafts written by the configured drafting model from the user's open todos; a draft is only shown, never posted."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from piper.queries.conversation import TokenCallback, complete_reply
from piper.queries.model import QueryAnswer, QueryContext
from piper.queries.todos import todo_line

if TYPE_CHECKING:
    from piper.integrations.llm import Message

logger = logging.getLogger(__name__)

DRAFT_ACTIONS = frozenset({"draft_update", "generate_content"})
"""Actions that the drafting model handles by writing text."""

DRAFT_MAX_TOKENS = 800

DRAFT_SYSTEM = (
    "You are Piper, a product manager's assistant. Write the draft the user requests in markdown. "
    "Use only the facts given below; where a fact is missing, leave a [placeholder] instead of inventing it."
)


async def draft(context: QueryContext, text: str, *, on_token: TokenCallback | None = None) -> QueryAnswer | None:
    """Write a draft for ``text`` with the drafting model; return None when no drafting model is configured.

    With ``on_token``, the draft is streamed and each delta goes to ``on_token`` as it arrives.
    """
    from piper.integrations.llm import ProviderError, get_provider

    provider = get_provider("drafting", context.settings)
    if provider is None:
        return None

    todos = await context.database.todos.list()
    facts = "\n".join(todo_line(todo) for todo in todos) or "(no open todos)"
    system = f"{DRAFT_SYSTEM}\n\nOpen todos:\n{facts}"
    messages: list[Message] = [{"role": "user", "content": text}]
    try:
        completion = await complete_reply(provider, messages, system=system, max_tokens=DRAFT_MAX_TOKENS, on_token=on_token)
    except ProviderError as error:
        logger.warning("Drafting with %s failed: %s", provider.name, error.message)
        result: dict[str, Any] = {"draft": None, "provider": provider.name, "error": error.message}
        return QueryAnswer(f"The drafting model failed, so there is no draft: {error.message}", result)

    result = {"draft": completion.text, "provider": completion.provider, "model": completion.model}
    return QueryAnswer(completion.text, result)
