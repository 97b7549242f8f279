"""Task handlers for Github."""

from __future__ import annotations

from piper.workflows.handlers.registry import HandlerRegistry


def register_github_handlers(registry: HandlerRegistry) -> None:
    """Register the ``github.*`` task handlers."""
