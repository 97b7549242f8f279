"""Task handlers and their registry: the code that carries out each task type."""

from piper.workflows.handlers.registry import Handler, HandlerContext, HandlerRegistry, TaskOutcome

__all__ = ["Handler", "HandlerContext", "HandlerRegistry", "TaskOutcome"]
