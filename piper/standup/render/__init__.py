"""Standup renderers. They format a finished report and never fetch anything."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piper.standup.model import StandupReport

FORMATS = ("rich", "text", "markdown", "json", "slack")


def render_text_format(report: StandupReport, format_name: str) -> str:
    """Render ``report`` as a string in ``format_name`` (any format but ``rich``).

    ``json`` gives the ``data`` object of the JSON envelope, serialised.
    """
    if format_name == "json":
        from piper.cli.output import dumps

        return dumps(report.to_json())
    if format_name not in FORMATS or format_name == "rich":
        raise ValueError(f"no string renderer for format {format_name!r}")
    module = importlib.import_module(f"piper.standup.render.{format_name}")
    return module.render(report)
