"""Conversations with Piper: numbered turns of the user and of Piper, as ``piper ask`` and the TUI record them."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from dataclasses import dataclass
from typing import Any

CONVERSATION_ID_BYTES = 6
"""Random bytes in a new conversation id, which is their hex form (12 characters)."""


class Role(str, enum.Enum):
    """Who spoke a turn."""

    USER = "user"
    ASSISTANT = "assistant"


def new_conversation_id() -> str:
    """Return a short random id that is easy to type, such as ``3f9a1c2e7b04``."""
    return secrets.token_hex(CONVERSATION_ID_BYTES)


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation as stored in the database."""

    id: str
    title: str | None
    """The first user message, shortened; None until the first turn."""

    created_at: dt.datetime
    updated_at: dt.datetime
    """Time of the latest turn."""

    turn_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "turn_count": self.turn_count,
        }


@dataclass(frozen=True, slots=True)
class Turn:
    """One message in a conversation."""

    conversation_id: str
    index: int
    """Position in the conversation, from 0."""

    role: Role
    text: str
    intent: dict[str, Any] | None
    """The classified intent of a user turn, as ``piper classify --json`` prints it."""

    workflow_id: str | None
    """The workflow that the turn started or answered, if any."""

    created_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "index": self.index,
            "role": self.role.value,
            "text": self.text,
            "intent": self.intent,
            "workflow_id": self.workflow_id,
            "created_at": self.created_at.isoformat(),
        }
