"""The standup as a reply: the standup engine's report for the previous working day, in markdown."""

from __future__ import annotations

from typing import Any

from piper.errors import PiperError
from piper.queries.model import QueryAnswer, QueryContext


async def get_standup(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """Run the standup with the configured defaults (as ``piper standup`` with no options) without saving it."""
    from piper.standup.render.markdown import render
    from piper.standup.request import StandupOptions, build_request
    from piper.standup.service import run_standup

    try:
        request = build_request(StandupOptions(), context.settings)
        outcome = await run_standup(request, save=False)
    except PiperError as error:
        hint = f" {error.hint}" if error.hint else ""
        return QueryAnswer(f"I could not build your standup: {error.message}{hint}", {"error": error.message})
    return QueryAnswer(render(outcome.report), {"standup": outcome.report.to_json()})
