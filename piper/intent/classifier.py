"""The classifier pipeline: rules, then the local embedding model, then an optional LLM.

Rules decide unambiguous phrasings in microseconds. Everything else goes to
the embedding classifier. When an :class:`LLMClassifier` is configured and
the local confidence is under ``llm_threshold``, the LLM gets the message.
Its intent is used only if it fits the taxonomy. An invalid intent, an
error or no result keeps the local result.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from piper.domain.intent import Action, ClassifierName, Intent
from piper.intent.embedding import EmbeddingClassifier
from piper.intent.entities import extract_entities
from piper.intent.llm import LLMClassifier, validate_llm_intent
from piper.intent.rules import match_rules
from piper.intent.text import normalize, strip_greeting

logger = logging.getLogger(__name__)

DEFAULT_LLM_THRESHOLD = 0.6


class IntentClassifier:
    """Turn a message into an :class:`Intent`. One instance loads the model once and is safe to reuse."""

    def __init__(
        self,
        embedding: EmbeddingClassifier | None = None,
        llm: LLMClassifier | None = None,
        llm_threshold: float = DEFAULT_LLM_THRESHOLD,
    ) -> None:
        self.embedding = embedding or EmbeddingClassifier()
        self.llm = llm
        self.llm_threshold = llm_threshold

    def classify_local(self, text: str, *, known_projects: Sequence[str] = (), now: dt.datetime | None = None) -> Intent:
        """Classify with the rules and the embedding model only (no LLM, no await).

        ``now`` anchors relative dates ("tomorrow", "next monday"); pass an
        aware datetime in the user's time zone. It defaults to the system
        clock's local time.
        """
        message = normalize(text)
        today = (now or dt.datetime.now().astimezone()).date()
        if not message:
            return Intent.of(Action.UNKNOWN, 1.0, ClassifierName.RULES)

        request = strip_greeting(message)

        rule = match_rules(request)
        if rule is not None:
            action, confidence, classifier = rule.action, rule.confidence, ClassifierName.RULES
        else:
            result = self.embedding.classify(request)
            action, confidence, classifier = result.action, result.confidence, ClassifierName.EMBEDDING

        entities = extract_entities(request, action, known_projects=known_projects, today=today)
        return Intent.of(action, confidence, classifier, entities)

    async def classify(self, text: str, *, known_projects: Sequence[str] = (), now: dt.datetime | None = None) -> Intent:
        """Classify locally, then ask the LLM if one is configured and the local result is not confident."""
        local = self.classify_local(text, known_projects=known_projects, now=now)
        if self.llm is None or local.classifier is ClassifierName.RULES or local.confidence >= self.llm_threshold:
            return local

        try:
            answer = await self.llm.classify(normalize(text), local)
        except Exception as error:  # noqa: BLE001 - a provider failure must never lose the local result
            logger.warning("LLM classifier failed, keeping the local result %s: %s", local.action.value, error)
            return local

        if answer is None:
            return local
        validated = validate_llm_intent(answer, local)
        return validated if validated is not None else local
