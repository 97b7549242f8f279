"""Task handlers for Slack."""

from __future__ import annotations

from piper.workflows.handlers.registry import HandlerRegistry


def register_slack_handlers(registry: HandlerRegistry) -> None:
    """Register the ``slack.*`` task handlers."""
