"""The optional LLM stage: the protocol a provider implements and the check of its answer."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from piper.domain.intent import ACTION_CATEGORIES, ENTITY_KEYS, Action, ClassifierName, Intent

logger = logging.getLogger(__name__)

PATTERN_ENTITY_KEYS = frozenset({"repository", "issue_number", "project", "channel", "date"})


class LLMClassifier(Protocol):
    """Classify a message with a language model when the local result is not confident.

    ``local_result`` is the embedding classifier's intent, for the prompt or
    as a hint. Return None when the model gives no usable result. The
    pipeline logs any exception and keeps the local result.
    """

    async def classify(self, text: str, local_result: Intent) -> Intent | None: ...


def validate_llm_intent(candidate: Any, local_result: Intent) -> Intent | None:
    """Return ``candidate`` as an ``llm`` intent if it fits the taxonomy, else None.

    The action must be a known action and the category, if given, must be
    that action's category. The confidence must be a number in [0, 1].
    Entities with unknown keys are dropped. Entities the local stage found
    and the model left out are kept, except free-text ones cut for a
    different action.
    """
    if not isinstance(candidate, Intent):
        return None

    try:
        action = Action(candidate.action)
    except ValueError:
        logger.info("LLM classifier returned unknown action %r; keeping the local result", candidate.action)
        return None
    if candidate.category is not None and ACTION_CATEGORIES[action] != candidate.category:
        logger.info("LLM classifier returned action %s under category %s; keeping the local result", action.value, candidate.category)
        return None

    confidence = candidate.confidence
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0.0 <= confidence <= 1.0:
        logger.info("LLM classifier returned invalid confidence %r; keeping the local result", confidence)
        return None

    # Free-text entities (title, todo, document, query) were cut for the local action.
    # They carry over only when the LLM agrees on the action, but the repository, issue number,
    # project, channel and date hold for any action.
    # Internal keys (the text of a message to post) carry over on agreement too.
    carried = set(local_result.entities) if action is local_result.action else PATTERN_ENTITY_KEYS
    entities = {key: value for key, value in local_result.entities.items() if key in carried}
    if isinstance(candidate.entities, dict):
        entities.update({key: value for key, value in candidate.entities.items() if key in ENTITY_KEYS and value not in (None, "")})

    return Intent.of(action, confidence, ClassifierName.LLM, entities)
