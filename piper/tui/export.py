"""Export a conversation as a markdown document."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piper.domain.conversation import Conversation, Turn

_SPEAKERS = {"user": "You", "assistant": "Piper"}


def conversation_markdown(conversation: Conversation, turns: Sequence[Turn]) -> str:
    """Render ``turns`` as markdown: a title, then one level-2 heading per turn with the speaker and the time.

    Each turn's text is kept as written, because replies are markdown already.
    """
    title = conversation.title or "Untitled conversation"
    lines = [f"# {title}", "", f"Conversation `{conversation.id}`, started {conversation.created_at:%Y-%m-%d %H:%M}."]
    for turn in turns:
        speaker = _SPEAKERS.get(turn.role.value, turn.role.value)
        lines += ["", f"## {speaker}, {turn.created_at:%Y-%m-%d %H:%M}", "", turn.text.rstrip()]
    return "\n".join(lines) + "\n"


def default_export_path(conversation_id: str, folder: Path | None = None) -> Path:
    """Return ``piper-chat-<id>.md`` in ``folder``, or in the current folder when it is None."""
    return (folder or Path.cwd()) / f"piper-chat-{conversation_id}.md"


def write_export(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (``~`` expanded), creating its folder, and return the absolute path.

    Raises:
        PiperError: when the file cannot be written, naming the path and the reason.
    """
    from piper.errors import PiperError

    target = path.expanduser().resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise PiperError(f"Could not write {target}: {error.strerror or error}.", hint="Choose another path, such as /export ~/notes/chat.md.") from None
    return target
