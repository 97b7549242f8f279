"""Greetings, thanks, farewells, who Piper is, what it can do, and the time."""

from __future__ import annotations

from typing import Any

from piper.messages.templates import OFFLINE_ABILITIES
from piper.queries.model import QueryAnswer, QueryContext


async def greeting(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    name = context.settings.identity.name
    hello = f"Hello, {name.split()[0]}!" if name else "Hello!"
    return QueryAnswer(f"{hello} What can I do for you?")


async def farewell(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    return QueryAnswer("Goodbye! Your todos will be here when you come back.")


async def thanks(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    return QueryAnswer("You're welcome.")


async def get_identity(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    return QueryAnswer(
        "I'm Piper, a product manager's assistant in your terminal. "
        "I keep your todos and projects and build your standup from git history, on this machine."
    )


async def get_capabilities(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    return QueryAnswer(f"Offline I can {OFFLINE_ABILITIES}.", {"offline": True})


async def get_current_time(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    now = context.now
    zone = now.tzname() or now.strftime("%z")
    message = f"It's {now:%H:%M} ({zone}) on {now:%A}, {now.date().isoformat()}."
    return QueryAnswer(message, {"now": now.isoformat(timespec="seconds")})
