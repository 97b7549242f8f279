"""Live checks of stored credentials: one cheap authenticated request per service.

GitHub ``GET /user``, Slack ``auth.test``, Notion ``GET /v1/users/me``,
Anthropic ``GET /v1/models`` and OpenAI ``GET /models`` under its ``/v1``
base. Each reports valid, rejected (the service refused the credential)
or error (the check could not tell, such as a timeout). Results name the
account where the service returns one, and never contain the credential.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any, Literal

from piper.integrations.slack.client import REJECTED_TOKEN_ERRORS

logger = logging.getLogger(__name__)

CheckStatus = Literal["valid", "rejected", "error"]

NOTION_VERSION = "2022-06-28"
ANTHROPIC_VERSION = "2023-06-01"

DEFAULT_URLS = {
    "github": ("PIPER_GITHUB_API_URL", "https://api.github.com"),
    "slack": ("PIPER_SLACK_API_URL", "https://slack.com/api"),
    "notion": ("PIPER_NOTION_API_URL", "https://api.notion.com"),
    "anthropic": ("ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
    "openai": ("OPENAI_BASE_URL", "https://api.openai.com/v1"),
}
"""Per service: the variable that overrides the API base URL, and the default."""


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one live check."""

    status: CheckStatus
    detail: str
    """For people: the account (``as octocat``) or what went wrong (``HTTP 401``)."""


def api_url(service: str) -> str:
    """Return the API base URL of ``service`` without a trailing slash, from its variable or the default."""
    variable, default = DEFAULT_URLS[service]
    return (os.environ.get(variable, "").strip() or default).rstrip("/")


async def check_credentials(tokens: dict[str, str], *, timeout: float = 5.0) -> dict[str, CheckResult]:
    """Check each ``service: token`` pair concurrently; every request may take at most ``timeout`` seconds."""
    import httpx

    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        services = list(tokens)
        results = await asyncio.gather(*(check_credential(client, service, tokens[service]) for service in services))
    return dict(zip(services, results))


async def check_credential(client: Any, service: str, token: str) -> CheckResult:
    """Make the cheapest authenticated request to ``service`` with ``token`` and classify the response."""
    import httpx

    request = _REQUESTS[service]
    method, path, headers = request(token)
    url = api_url(service) + path
    try:
        response = await client.request(method, url, headers=headers)
    except httpx.TimeoutException:
        return _failed(service, "the request timed out")
    except httpx.HTTPError as error:
        return _failed(service, f"could not connect to {url} ({type(error).__name__})")

    if service == "slack":
        return _classify_slack(response)
    return _classify_http(service, response)


def _failed(service: str, detail: str) -> CheckResult:
    # INFO, not WARNING: the caller shows the result, so a warning would print it twice.
    logger.info("checking the %s credential failed: %s", service, detail)
    return CheckResult("error", detail)


def _github(token: str) -> tuple[str, str, dict[str, str]]:
    return "GET", "/user", {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


def _slack(token: str) -> tuple[str, str, dict[str, str]]:
    return "POST", "/auth.test", {"Authorization": f"Bearer {token}"}


def _notion(token: str) -> tuple[str, str, dict[str, str]]:
    return "GET", "/v1/users/me", {"Authorization": f"Bearer {token}", "Notion-Version": NOTION_VERSION}


def _anthropic(token: str) -> tuple[str, str, dict[str, str]]:
    return "GET", "/v1/models?limit=1", {"x-api-key": token, "anthropic-version": ANTHROPIC_VERSION}


def _openai(token: str) -> tuple[str, str, dict[str, str]]:
    return "GET", "/models", {"Authorization": f"Bearer {token}"}


_REQUESTS = {"github": _github, "slack": _slack, "notion": _notion, "anthropic": _anthropic, "openai": _openai}


def _json(response: Any) -> dict[str, Any] | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _classify_http(service: str, response: Any) -> CheckResult:
    status = response.status_code
    if status == 200:
        data = _json(response)
        if data is None:
            return _failed(service, "HTTP 200 with a body that is not a JSON object")
        account = _account_name(service, data)
        return CheckResult("valid", f"as {account}" if account else "accepted")
    if status == 401:
        return CheckResult("rejected", "HTTP 401")
    if status == 403:
        # GitHub returns 403 when the rate limit is used up, which tells nothing about the token.
        if service == "github" and response.headers.get("x-ratelimit-remaining") == "0":
            return _failed(service, "rate-limited (HTTP 403)")
        return CheckResult("rejected", "HTTP 403")
    if status == 429:
        return _failed(service, "rate-limited (HTTP 429)")
    return _failed(service, f"HTTP {status}")


def _account_name(service: str, data: dict[str, Any]) -> str | None:
    if service == "github":
        return data.get("login")
    if service == "notion":
        return data.get("name")
    return None


def _classify_slack(response: Any) -> CheckResult:
    if response.status_code == 429:
        return _failed("slack", "rate-limited (HTTP 429)")
    data = _json(response)
    if response.status_code != 200 or data is None or "ok" not in data:
        return _failed("slack", f"HTTP {response.status_code} without a Web API response")
    if data["ok"]:
        user, team = data.get("user"), data.get("team")
        if user and team:
            return CheckResult("valid", f"as {user} in {team}")
        return CheckResult("valid", "accepted")
    code = str(data.get("error") or "unknown error")
    if code in REJECTED_TOKEN_ERRORS:
        return CheckResult("rejected", code)
    return _failed("slack", code)
