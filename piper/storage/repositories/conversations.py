"""Storing conversations and their turns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from piper.domain.conversation import Conversation, Role, Turn, new_conversation_id
from piper.errors import NotFoundError
from piper.storage.models import ConversationRow, TurnRow
from piper.storage.repositories.base import Repository, moment_or_now

TITLE_LENGTH = 80
"""Maximum length of a conversation title taken from its first message, in characters."""


class ConversationRepository(Repository):
    """Conversations, each with its turns numbered from 0."""

    async def create(self, *, now: dt.datetime | None = None) -> Conversation:
        """Start an empty conversation with a new id."""
        moment = moment_or_now(now)
        async with self._session() as session:
            # 48 random bits make a clash unlikely; the savepoint retries the rare one.
            for _ in range(5):
                conversation_id = new_conversation_id()
                try:
                    async with session.begin_nested():
                        session.add(ConversationRow(id=conversation_id, title=None, created_at=moment, updated_at=moment))
                except IntegrityError:
                    continue
                return Conversation(id=conversation_id, title=None, created_at=moment, updated_at=moment)
        raise RuntimeError("five random conversation ids in a row were taken")

    async def get(self, conversation_id: str) -> Conversation:
        """Return the conversation with this id.

        Raises:
            NotFoundError: when there is none.
        """
        async with self._session(readonly=True) as session:
            row = await _require_conversation(session, conversation_id)
            count = await session.scalar(
                select(func.count()).select_from(TurnRow).where(TurnRow.conversation_id == row.id)
            )
            return to_conversation(row, int(count or 0))

    async def list(self, *, limit: int | None = None) -> list[Conversation]:
        """Return conversations with their turn counts, the most recently active first."""
        counts = (
            select(TurnRow.conversation_id, func.count().label("turns"))
            .group_by(TurnRow.conversation_id)
            .subquery()
        )
        statement = (
            select(ConversationRow, func.coalesce(counts.c.turns, 0))
            .outerjoin(counts, counts.c.conversation_id == ConversationRow.id)
            .order_by(ConversationRow.updated_at.desc(), ConversationRow.id)
        )
        if limit is not None:
            statement = statement.limit(limit)
        async with self._session(readonly=True) as session:
            rows = (await session.execute(statement)).all()
            return [to_conversation(row, int(count)) for row, count in rows]

    async def add_turn(
        self,
        conversation_id: str,
        role: Role,
        text: str,
        *,
        intent: dict[str, Any] | None = None,
        workflow_id: str | None = None,
        now: dt.datetime | None = None,
    ) -> Turn:
        """Append a turn; the first user turn also becomes the conversation's title.

        Raises:
            NotFoundError: for an unknown conversation.
        """
        moment = moment_or_now(now)
        async with self._session() as session:
            conversation = await _require_conversation(session, conversation_id)
            last = await session.scalar(
                select(func.max(TurnRow.position)).where(TurnRow.conversation_id == conversation_id)
            )
            position = 0 if last is None else last + 1
            row = TurnRow(
                conversation_id=conversation_id,
                position=position,
                role=Role(role).value,
                text=text,
                intent=intent,
                workflow_id=workflow_id,
                created_at=moment,
            )
            session.add(row)
            if conversation.title is None and Role(role) is Role.USER:
                conversation.title = _title_from(text)
            conversation.updated_at = moment
            await session.flush()
            return to_turn(row)

    async def turns(self, conversation_id: str) -> list[Turn]:
        """Return every turn of a conversation in order.

        Raises:
            NotFoundError: for an unknown conversation.
        """
        async with self._session(readonly=True) as session:
            await _require_conversation(session, conversation_id)
            statement = select(TurnRow).where(TurnRow.conversation_id == conversation_id).order_by(TurnRow.position)
            return [to_turn(row) for row in (await session.scalars(statement)).all()]

    async def rename(self, conversation_id: str, title: str) -> Conversation:
        """Set a conversation's title, shortened to ``TITLE_LENGTH`` characters like a title taken from a message.

        Raises:
            NotFoundError: for an unknown conversation.
            UsageError: for an empty title.
        """
        from piper.errors import UsageError

        if not title.strip():
            raise UsageError("The title is empty; give the conversation a name, such as /rename Q3 planning.")
        async with self._session() as session:
            row = await _require_conversation(session, conversation_id)
            row.title = _title_from(title)
            await session.flush()
        return await self.get(conversation_id)

    async def latest(self) -> Conversation | None:
        """Return the most recently active conversation, or None when there is none."""
        found = await self.list(limit=1)
        return found[0] if found else None


def _title_from(text: str) -> str:
    single_line = " ".join(text.split())
    if len(single_line) <= TITLE_LENGTH:
        return single_line
    return single_line[: TITLE_LENGTH - 1].rstrip() + "…"


async def _require_conversation(session: AsyncSession, conversation_id: str) -> ConversationRow:
    row = await session.get(ConversationRow, conversation_id.strip())
    if row is None:
        raise NotFoundError(
            f"No conversation with id {conversation_id!r}.",
            hint="List the ids with: piper history list",
            details={"id": conversation_id},
        )
    return row


def to_conversation(row: ConversationRow, turn_count: int = 0) -> Conversation:
    return Conversation(
        id=row.id, title=row.title, created_at=row.created_at, updated_at=row.updated_at, turn_count=turn_count
    )


def to_turn(row: TurnRow) -> Turn:
    return Turn(
        conversation_id=row.conversation_id,
        index=row.position,
        role=Role(row.role),
        text=row.text,
        intent=row.intent,
        workflow_id=row.workflow_id,
        created_at=row.created_at,
    )
