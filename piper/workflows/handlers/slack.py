"""Task handlers for Slack.

A failure (no token, a rejected token, an unknown channel, Slack down)
raises a :class:`~piper.errors.PiperError`, which the runner turns into a
failed task whose message names the fix.
"""

from __future__ import annotations

from piper.domain.workflow import Task
from piper.workflows.handlers.registry import HandlerContext, HandlerRegistry, TaskOutcome


async def post_message(task: Task, context: HandlerContext) -> TaskOutcome:
    """Post the task's markdown ``text`` to its ``channel``."""
    from piper.config import load_settings
    from piper.integrations.slack.post import post_text

    # NOTE: the runner's task timeout (30 s by default) can cancel a post that waits on a long
    # Retry-After or retries; a post cancelled mid-request may or may not have reached Slack.
    channel = str(task.input["channel"])
    result = await post_text(channel, str(task.input["text"]), load_settings())
    where = f"#{result.channel_name}" if result.channel_name else result.channel
    count = len(result.messages)
    parts = f" in {count} messages" if count > 1 else ""
    return TaskOutcome.done(f"Posted the message to {where}{parts}.", result.to_json())


def register_slack_handlers(registry: HandlerRegistry) -> None:
    """Register the ``slack.*`` task handlers."""
    registry.register("slack.post_message", post_message)
