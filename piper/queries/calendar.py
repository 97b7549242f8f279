"""Read queries answered from calendar."""

from __future__ import annotations

from piper.queries.model import QueryService
from piper.queries.sources import source_not_configured

SERVICES: dict[str, QueryService] = {action: source_not_configured(action) for action in ['get_calendar']}
"""Read action to query service."""
