"""Read queries answered from github."""

from __future__ import annotations

from piper.queries.model import QueryService
from piper.queries.sources import source_not_configured

SERVICES: dict[str, QueryService] = {action: source_not_configured(action) for action in ['list_issues', 'get_issue', 'list_pull_requests']}
"""Read action to query service."""
