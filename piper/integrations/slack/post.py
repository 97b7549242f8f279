"""Posting markdown or mrkdwn text to a channel with the user's Slack settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from piper.errors import PiperError
from piper.integrations.slack.mrkdwn import markdown_to_mrkdwn, split_mrkdwn

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.integrations.slack.client import PostResult


async def post_text(channel: str, text: str, settings: Settings, *, markdown: bool = True) -> PostResult:
    """Post ``text`` to ``channel`` (``#name`` or an id), split into parts of at most 3,000 characters.

    ``markdown`` converts the text from markdown to mrkdwn first; pass
    False for text that is mrkdwn already, such as the standup's Slack
    format.
    """
    from piper.integrations.slack.client import SlackClient

    mrkdwn = markdown_to_mrkdwn(text) if markdown else text
    parts = split_mrkdwn(mrkdwn)
    if not parts:
        raise PiperError("Nothing to post: the message is empty.", hint="Give the message text, or '-' to read it from standard input.")

    client = SlackClient(
        timeout=settings.slack.timeout_seconds,
        max_retries=settings.slack.max_retries,
        max_retry_wait=settings.slack.max_retry_wait_seconds,
    )
    return await client.post_message(channel, parts)
