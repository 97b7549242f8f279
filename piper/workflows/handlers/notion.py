"""Task handlers for Notion."""

from __future__ import annotations

from piper.workflows.handlers.registry import HandlerRegistry


def register_notion_handlers(registry: HandlerRegistry) -> None:
    """Register the ``notion.*`` task handlers."""
