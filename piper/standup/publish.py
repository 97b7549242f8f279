"""Posting a finished standup: ``slack:#channel`` as a Slack message, ``notion:PAGE_ID`` as a Notion page.

The target is parsed before the standup runs (:func:`parse_target`), so a
typo fails at once; :func:`post_report` renders and sends the report after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from piper.errors import PiperError, UsageError

if TYPE_CHECKING:
    from piper.config import Settings
    from piper.standup.model import StandupReport

TARGET_HINT = "Use slack:#channel (or a channel id such as slack:C0123ABCD) or notion:PAGE_ID."


@dataclass(frozen=True)
class PostTarget:
    """The destination of a standup: a Slack channel, or the Notion page that the new page is created below."""

    service: Literal["slack", "notion"]
    destination: str
    """``#name`` or a channel id for Slack; a page ID or URL for Notion."""

    def __str__(self) -> str:
        return f"{self.service}:{self.destination}"


def parse_target(target: str, settings: Settings) -> PostTarget:
    """Parse ``slack:#channel`` or ``notion:PAGE_ID``; a bare ``slack`` or ``notion`` uses the configured default.

    Raises:
        UsageError: for an unknown service, or a bare one with no default configured.
    """
    service, _, destination = target.strip().partition(":")
    service = service.lower()
    destination = destination.strip()
    if service not in ("slack", "notion"):
        raise UsageError(f"--post: invalid target {target!r}.", hint=TARGET_HINT)

    if not destination:
        destination = _default_destination(service, settings) or ""
    if not destination:
        key = "slack.default_channel" if service == "slack" else "notion.default_parent"
        raise UsageError(f"--post {target}: no {'channel' if service == 'slack' else 'page'} given and no {key} configured.", hint=TARGET_HINT)
    return PostTarget(service, destination)  # type: ignore[arg-type]


def _default_destination(service: str, settings: Settings) -> str | None:
    if service == "slack":
        return settings.slack.default_channel
    notion = getattr(settings, "notion", None)
    return getattr(notion, "default_parent", None)


async def post_report(target: str | PostTarget, report: StandupReport, settings: Settings) -> dict[str, Any]:
    """Render ``report`` for ``target`` and post it; return what was posted, for ``data.posted`` in JSON output.

    Slack gets the standup's mrkdwn format, split into messages of at most
    3,000 characters. Notion gets a new page titled like the report, with
    the markdown format as its body.
    """
    parsed = target if isinstance(target, PostTarget) else parse_target(target, settings)
    if parsed.service == "slack":
        return await _post_to_slack(parsed, report, settings)
    return await _post_to_notion(parsed, report)


async def _post_to_slack(target: PostTarget, report: StandupReport, settings: Settings) -> dict[str, Any]:
    from piper.integrations.slack.post import post_text
    from piper.standup.render.slack import render

    result = await post_text(target.destination, render(report), settings, markdown=False)
    return {"target": str(target), "service": "slack", **result.to_json()}


async def _post_to_notion(target: PostTarget, report: StandupReport) -> dict[str, Any]:
    from piper.standup.render.layout import heading
    from piper.standup.render.markdown import render

    try:
        from piper.integrations.notion.standup import publish_standup_markdown
    except ImportError:
        raise PiperError(
            f"--post {target}: publishing to Notion is not available in this installation of Piper.",
            hint="Post to Slack instead, or write the standup with --format markdown --output FILE and paste it into Notion.",
        ) from None

    title = heading(report)
    markdown = render(report)
    # The page's title already carries the heading, so the body starts below it.
    first_line, _, body = markdown.partition("\n")
    if first_line == f"# {title}":
        markdown = body.lstrip("\n")
    page = await publish_standup_markdown(target.destination, title, markdown)
    return {"target": str(target), "service": "notion", "id": page.get("id"), "url": page.get("url"), "title": title}
