"""Read queries served from GitHub: list issues, show an issue, list pull requests, analyze an issue.

PyGithub is synchronous, so every call runs in a worker thread. A missing
or rejected token, an unknown repository and an unreachable GitHub all
become a reply that names what failed and the fix, never an exception.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from piper.errors import CredentialsError, PiperError
from piper.queries.model import QueryAnswer, QueryContext, QueryService

if TYPE_CHECKING:
    from piper.integrations.github import GitHubClient, IssueList, IssueRecord, Triage

logger = logging.getLogger(__name__)

T = TypeVar("T")

LIST_LIMIT = 20
"""Maximum issues or pull requests listed in a chat message; the count and the result's ``items`` cover all of them."""

_DUPLICATE_SCAN_LIMIT = 200
"""Open issues compared with the analyzed one when looking for duplicates."""

_ANALYSIS_SYSTEM = (
    "You triage GitHub issues for a product manager. Reply with one JSON object with the keys "
    '"summary" (at most two sentences), "severity" (one of critical, high, medium, low) and '
    '"labels" (a list of suggested label names). Use only the issue text given.'
)


async def _call(context: QueryContext, work: Callable[[GitHubClient], T]) -> T:
    from piper.integrations.github import GitHubClient, options_from_settings

    def run() -> T:
        with GitHubClient(options_from_settings(context.settings.github)) as client:
            return work(client)

    return await asyncio.to_thread(run)


def _failure(error: PiperError) -> QueryAnswer:
    """Return the reply for a failed GitHub read: the problem and the fix, with the status for scripts."""
    # A rejected token carries the server's reason; a missing one does not.
    missing = isinstance(error, CredentialsError) and "reason" not in error.details
    message = f"{error.message} {error.hint}" if error.hint else error.message
    if missing:
        return QueryAnswer(message, {"source": "github", "status": "not_configured"})
    return QueryAnswer(message, {"source": "github", "status": "error", "error": error.message})


def _repository(context: QueryContext, entities: dict[str, Any]) -> str | None:
    return entities.get("repository") or context.settings.default_repository


_NO_REPOSITORY = QueryAnswer(
    "Which repository? Name it as owner/name, or set default_repository in PIPER.user.md.",
    {"source": "github", "status": "needs_repository"},
)


def _issue_target(context: QueryContext, entities: dict[str, Any], question: str) -> tuple[str, int] | QueryAnswer:
    """Return the repository and issue number a message names, or the question that asks for the missing one."""
    repository = _repository(context, entities)
    number = entities.get("issue_number")
    if repository is None:
        return _NO_REPOSITORY
    if number is None:
        return QueryAnswer(question, {"source": "github", "status": "needs_issue_number"})
    return repository, int(number)


def _line(issue: IssueRecord) -> str:
    labels = f" [{', '.join(issue.labels)}]" if issue.labels else ""
    link = f"[#{issue.number}]({issue.url})" if issue.url else f"#{issue.number}"
    return f"- {link} {issue.title}{labels}"


async def list_issues(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """List the open issues of the named or default repository."""
    from piper.integrations.github import list_issues as fetch

    return await _list_open(context, entities, fetch, "open issues")


async def list_pull_requests(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """List the open pull requests of the named or default repository."""
    from piper.integrations.github import list_pull_requests as fetch

    return await _list_open(context, entities, fetch, "open pull requests")


async def _list_open(context: QueryContext, entities: dict[str, Any], fetch: Callable[..., IssueList], noun: str) -> QueryAnswer:
    repository = _repository(context, entities)
    if repository is None:
        return _NO_REPOSITORY
    try:
        # Every page is read because the user set no limit, so the count is exact.
        # NOTE: that is one request per 100 issues, so thousands of open issues take several seconds.
        found = await _call(context, lambda client: fetch(client, repository, state="open"))
    except PiperError as error:
        return _failure(error)
    return _listing(repository, noun, found.issues)


def _listing(repository: str, noun: str, issues: list[IssueRecord]) -> QueryAnswer:
    result = {
        "source": "github",
        "repository": repository,
        "count": len(issues),
        "items": [issue.to_json() for issue in issues],
        "more": False,
    }
    if not issues:
        return QueryAnswer(f"No {noun} in {repository}.", result)

    counted = noun.removesuffix("s") if len(issues) == 1 else noun
    heading = f"{len(issues)} {counted} in {repository}"
    if len(issues) > LIST_LIMIT:
        heading += f", the {LIST_LIMIT} newest"
    lines = [heading + ":", *(_line(issue) for issue in issues[:LIST_LIMIT])]
    return QueryAnswer("\n".join(lines), result)


async def get_issue(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """Show one issue: title, state, labels, assignees and the start of its body."""
    from piper.integrations.github import get_issue as fetch

    target = _issue_target(context, entities, "Which issue number?")
    if isinstance(target, QueryAnswer):
        return target
    repository, number = target
    try:
        issue = await _call(context, lambda client: fetch(client, repository, number))
    except PiperError as error:
        return _failure(error)

    kind = "pull request, " if issue.is_pull_request else ""
    lines = [f"**{issue.title}** ({repository}#{issue.number}, {kind}{issue.state})"]
    if issue.labels:
        lines.append("Labels: " + ", ".join(issue.labels))
    if issue.assignees:
        lines.append("Assigned to: " + ", ".join(issue.assignees))
    if issue.body:
        body = issue.body.strip()
        lines.append("")
        lines.append(body if len(body) <= 600 else body[:600].rstrip() + "…")
    if issue.url:
        lines.append("")
        lines.append(issue.url)
    return QueryAnswer("\n".join(lines), {"source": "github", "issue": issue.to_json()})


async def analyze_issue(context: QueryContext, entities: dict[str, Any]) -> QueryAnswer:
    """Triage an issue: summary, likely severity, suggested labels and possible duplicates among open issues."""
    from piper.integrations.github import get_issue as fetch_issue
    from piper.integrations.github import list_issues as fetch_list
    from piper.integrations.github import triage

    target = _issue_target(context, entities, "Which issue should I analyze? Give its number.")
    if isinstance(target, QueryAnswer):
        return target
    repository, number = target

    def read(client: GitHubClient) -> tuple[IssueRecord, list[IssueRecord]]:
        issue = fetch_issue(client, repository, number)
        return issue, fetch_list(client, repository, state="open", limit=_DUPLICATE_SCAN_LIMIT).issues

    try:
        issue, open_issues = await _call(context, read)
    except PiperError as error:
        return _failure(error)

    result = triage(issue, open_issues)
    result = await _improve_with_model(context, issue, result)
    return QueryAnswer(_analysis_text(repository, issue, result), {"source": "github", "issue": issue.to_json(), "analysis": result.to_json()})


async def _improve_with_model(context: QueryContext, issue: IssueRecord, offline: Triage) -> Triage:
    """Replace the keyword summary, severity and labels with the drafting model's, when one is configured and responds."""
    from piper.integrations.github import SEVERITIES, Triage
    from piper.integrations.llm import ProviderError, complete_json, get_provider

    provider = get_provider("drafting", context.settings)
    if provider is None:
        return offline
    text = f"Title: {issue.title}\nLabels: {', '.join(issue.labels) or 'none'}\n\n{issue.body or '(no description)'}"
    try:
        answer = await complete_json(provider, [{"role": "user", "content": text[:8000]}], system=_ANALYSIS_SYSTEM)
    except ProviderError as error:
        logger.warning("Issue analysis with %s failed, using keyword rules: %s", provider.name, error.message)
        return offline

    severity = str(answer.get("severity", "")).lower()
    labels = answer.get("labels")
    return Triage(
        summary=str(answer.get("summary") or offline.summary),
        severity=severity if severity in SEVERITIES else offline.severity,
        labels=[str(label) for label in labels] if isinstance(labels, list) else offline.labels,
        duplicates=offline.duplicates,
        method=provider.name,
    )


def _analysis_text(repository: str, issue: IssueRecord, result: Triage) -> str:
    lines = [f"**{repository}#{issue.number}: {issue.title}**", "", result.summary, ""]
    guess = "guessed from keywords" if result.method == "keywords" else f"suggested by {result.method}"
    lines.append(f"Likely severity: {result.severity} ({guess})")
    lines.append("Suggested labels: " + (", ".join(result.labels) if result.labels else "none beyond the current ones"))
    if result.duplicates:
        lines.append("Possible duplicates:")
        lines.extend(f"- #{other.number} {other.title} ({score:.0%} similar title)" for other, score in result.duplicates)
    else:
        lines.append("No open issue has a similar title.")
    return "\n".join(lines)


SERVICES: dict[str, QueryService] = {
    "list_issues": list_issues,
    "get_issue": get_issue,
    "list_pull_requests": list_pull_requests,
    "analyze_issue": analyze_issue,
}
"""Read action to query service."""
