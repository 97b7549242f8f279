"""Posting to Slack through slack-sdk's AsyncWebClient: channel lookup, retries and error messages.

Reads (``auth.test``, ``conversations.list``, ``conversations.history``)
are retried after HTTP 429 (after the seconds in ``Retry-After``), HTTP
5xx, timeouts and dropped connections. ``chat.postMessage`` is retried
after HTTP 429 and a refused connection only, because Slack has not seen
the message then. After a timeout, a dropped connection or HTTP 5xx the
message may have been posted, so the client first looks for it in the
channel's history by the id it put in the message's metadata and posts
again only when it is not there.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from piper.errors import CredentialsError, NotFoundError, PiperError, UsageError
from piper.secrets import credentials_rejected, require_secret

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
API_URL_VARIABLE = "PIPER_SLACK_API_URL"

METADATA_EVENT_TYPE = "piper_post"
"""Event type of the message metadata that marks Piper's posts, so a retry can find an earlier attempt."""

REJECTED_TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "no_permission"})

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{8,}$")


@dataclass(frozen=True)
class PostedMessage:
    """One message that Slack accepted."""

    channel: str
    """The channel's id."""

    ts: str
    """Slack's timestamp of the message, which is its id within the channel."""

    permalink: str | None = None


@dataclass
class PostResult:
    """Every message of one post, in the order they appear in the channel."""

    channel: str
    channel_name: str | None
    messages: list[PostedMessage] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "channel_name": self.channel_name,
            "ts": self.messages[0].ts if self.messages else None,
            "parts": len(self.messages),
            "messages": [{"ts": message.ts, "permalink": message.permalink} for message in self.messages],
        }


def slack_api_url() -> str:
    """Return the Web API base URL: ``PIPER_SLACK_API_URL``, else https://slack.com/api/."""
    url = os.environ.get(API_URL_VARIABLE, "").strip() or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


class SlackClient:
    """A Slack bot's view of the Web API: who it is, which channels exist, and posting.

    Args:
        token: A bot token (``xoxb-...``); None reads it with ``require_secret("slack")``.
        base_url: The Web API base URL; None reads ``PIPER_SLACK_API_URL``.
        timeout: Seconds one HTTP request may take.
        max_retries: Retries of one request after a failure that allows one.
        max_retry_wait: Longest ``Retry-After`` in seconds that Piper waits
            for; a longer one fails the request with the wait Slack asked for.
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float = 10.0,
        max_retries: int = 3,
        max_retry_wait: float = 30.0,
    ) -> None:
        from slack_sdk.web.async_client import AsyncWebClient

        from piper.integrations.slack.retry import read_retry_handlers, write_retry_handlers

        token = token or require_secret("slack")
        url = base_url or slack_api_url()
        self.max_retries = max_retries
        self._reader: AsyncWebClient = AsyncWebClient(
            token=token, base_url=url, timeout=timeout, retry_handlers=read_retry_handlers(max_retries, max_retry_wait)
        )
        self._writer: AsyncWebClient = AsyncWebClient(
            token=token, base_url=url, timeout=timeout, retry_handlers=write_retry_handlers(max_retries, max_retry_wait)
        )

    async def auth_test(self) -> dict[str, Any]:
        """Call ``auth.test`` and return its fields (``user``, ``user_id``, ``team``, ``bot_id``, ...)."""
        return await self._call(self._reader, "auth.test", subject=None)

    async def resolve_channel(self, channel: str) -> tuple[str, str | None]:
        """Return ``(id, name)`` for ``#name``, ``name`` or a channel id.

        An id (``C0123ABCD``) is passed through without a request, with no
        name. A name is looked up with ``conversations.list``, following
        its cursor through every page.
        """
        channel = channel.strip()
        if _CHANNEL_ID.match(channel):
            return channel, None

        name = channel.lstrip("#").lower()
        if not name:
            raise UsageError(f"Invalid Slack channel {channel!r}.", hint="Give a channel such as #general or an id such as C0123ABCD.")

        cursor: str | None = None
        pages = 0
        while True:
            arguments: dict[str, Any] = {"types": "public_channel,private_channel", "limit": 200, "exclude_archived": False}
            if cursor:
                arguments["cursor"] = cursor
            data = await self._call(self._reader, "conversations.list", subject=channel, **arguments)
            pages += 1
            channels = data.get("channels")
            if not isinstance(channels, list):
                raise _invalid_response("conversations.list", "no 'channels' list")
            for entry in channels:
                if isinstance(entry, dict) and name in (entry.get("name"), entry.get("name_normalized")) and entry.get("id"):
                    return str(entry["id"]), str(entry.get("name") or name)
            cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break

        logger.info("Slack channel #%s not found in %d page(s) of conversations.list", name, pages)
        raise NotFoundError(
            f"Slack channel #{name} not found.",
            hint="Check the name. For a private channel, invite the bot first (/invite @your-bot) so it can see the channel.",
            details={"channel": channel},
        )

    async def post_message(self, channel: str, parts: list[str]) -> PostResult:
        """Post ``parts`` (mrkdwn, each at most 3,000 characters) to ``channel`` as consecutive messages.

        Each part goes out as one message with a section block and the
        same text as its notification fallback. When a part fails, the
        error's details list the parts already posted, so nothing is
        posted twice by a caller who retries the rest.
        """
        if not parts:
            raise PiperError("Nothing to post: the message is empty.", hint="Give the message text, or '-' to read it from standard input.")

        channel_id, channel_name = await self.resolve_channel(channel)
        result = PostResult(channel_id, channel_name)
        label = f"#{channel_name}" if channel_name else channel_id
        post_id = uuid.uuid4().hex
        for index, text in enumerate(parts):
            try:
                message = await self._post_part(channel_id, label, text, post_id, index, len(parts))
            except PiperError as error:
                if result.messages:
                    error.details.setdefault("posted", result.to_json())
                    error.hint = (error.hint + " " if error.hint else "") + f"{len(result.messages)} of {len(parts)} parts were posted before the failure."
                raise
            result.messages.append(message)
        logger.info("posted %d message(s) to Slack channel %s", len(result.messages), channel_id)
        return result

    async def _post_part(self, channel_id: str, label: str, text: str, post_id: str, index: int, total: int) -> PostedMessage:
        from piper.integrations.slack import retry

        metadata = {"event_type": METADATA_EVENT_TYPE, "event_payload": {"post_id": post_id, "part": index, "parts": total}}
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
        started = time.time()

        attempt = 0
        while True:
            try:
                data = await self._call(
                    self._writer, "chat.postMessage", subject=label, raise_unsure=True, channel=channel_id,
                    text=text, blocks=blocks, metadata=metadata, unfurl_links=False, unfurl_media=False,
                )
            except _UnsureOutcome as unsure:
                logger.info("chat.postMessage to %s part %d/%d had no clear result (%s); checking the channel history", channel_id, index + 1, total, unsure.reason)
                found = await self._find_posted(channel_id, label, post_id, index, since=started)
                if found is not None:
                    logger.info("part %d/%d was posted despite the failure (ts %s); not posting it again", index + 1, total, found)
                    return PostedMessage(channel_id, found)
                if attempt >= self.max_retries:
                    raise PiperError(
                        f"Posting to Slack channel {label} failed: {unsure.reason}.",
                        hint="Slack may be having problems; try again in a few minutes.",
                        details={"channel": channel_id, "reason": unsure.reason},
                    ) from None
                await asyncio.sleep(retry.RETRY_BACKOFF_SECONDS * 2**attempt)
                attempt += 1
                continue

            ts = data.get("ts")
            if not isinstance(ts, str) or not ts:
                raise _invalid_response("chat.postMessage", "no message 'ts'")
            return PostedMessage(str(data.get("channel") or channel_id), ts)

    async def _find_posted(self, channel_id: str, label: str, post_id: str, part: int, *, since: float) -> str | None:
        """Return the ts of part ``part`` of post ``post_id`` if the channel's history contains it, else None."""
        # NOTE: a request that Slack is still processing is not in the history yet, so a retry
        # after a very slow response can still post the message twice.
        cursor: str | None = None
        # A minute of slack for clock skew between this machine and Slack.
        oldest = f"{since - 60:.6f}"
        try:
            while True:
                arguments: dict[str, Any] = {"channel": channel_id, "oldest": oldest, "limit": 100, "include_all_metadata": True}
                if cursor:
                    arguments["cursor"] = cursor
                data = await self._call(self._reader, "conversations.history", subject=label, **arguments)
                for message in data.get("messages") or []:
                    payload = ((message or {}).get("metadata") or {}).get("event_payload") or {}
                    if payload.get("post_id") == post_id and payload.get("part") == part and message.get("ts"):
                        return str(message["ts"])
                cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    return None
        except PiperError as error:
            # Without the history Piper cannot tell whether the message went out, and posting again could duplicate it.
            raise PiperError(
                f"Slack did not confirm the message to channel {label}, and checking the channel history failed: {error.message}",
                hint="Look in the channel before posting again: the message may have been posted.",
                details={"channel": channel_id, "unconfirmed_part": part},
            ) from None

    async def _call(self, client: AsyncWebClient, method: str, *, subject: str | None, raise_unsure: bool = False, **arguments: Any) -> dict[str, Any]:
        """Call ``method`` and return the response's data, turning every failure into a PiperError that names the fix.

        ``subject`` is the channel (or None) that error messages name. With
        ``raise_unsure``, failures after which the request may have
        been carried out (timeouts, dropped connections, HTTP 5xx) raise
        ``_UnsureOutcome`` instead.
        """
        from slack_sdk.errors import SlackApiError

        from piper.integrations.slack.retry import describe_transport_error, is_unsure_transport_error

        try:
            response = await client.api_call(method, http_verb="GET" if method.startswith("conversations.") else "POST",
                                             **_request_arguments(method, arguments))
        except SlackApiError as error:
            status = _status_of(error)
            if raise_unsure and status is not None and status >= 500:
                raise _UnsureOutcome(f"HTTP {status}") from None
            raise _api_error(method, error, subject) from None
        except Exception as error:
            if not _is_transport_error(error):
                raise
            if raise_unsure and is_unsure_transport_error(error):
                raise _UnsureOutcome(describe_transport_error(error)) from None
            logger.info("Slack %s failed: %s", method, describe_transport_error(error))
            raise PiperError(
                f"Slack {method} failed: {describe_transport_error(error)}.",
                hint=f"Check the network and the Slack API URL ({slack_api_url()}), then try again.",
                details={"method": method},
            ) from None

        data = response.data
        if not isinstance(data, dict):
            raise _invalid_response(method, "not a JSON object")
        return data


class _UnsureOutcome(Exception):
    """A request failed in a way that leaves open whether Slack carried it out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _request_arguments(method: str, arguments: dict[str, Any]) -> dict[str, Any]:
    # Slack's Web API takes query parameters on GET and a JSON body on POST for methods with blocks.
    if method.startswith("conversations."):
        return {"params": {key: _query_value(value) for key, value in arguments.items()}}
    if arguments:
        return {"json": arguments}
    return {}


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _is_transport_error(error: Exception) -> bool:
    import aiohttp

    return isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError))


def _status_of(error: Any) -> int | None:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    if status is None:
        # slack-sdk raises with the aiohttp response itself when the body is not JSON.
        status = getattr(response, "status", None)
    return status if isinstance(status, int) else None


def _invalid_response(method: str, problem: str) -> PiperError:
    return PiperError(
        f"Slack returned an invalid response to {method}: {problem}.",
        hint=f"Check that {API_URL_VARIABLE} points at Slack's Web API (default {DEFAULT_API_URL}).",
        details={"method": method},
    )


def _api_error(method: str, error: Any, channel: str | None) -> PiperError:
    """Map a failed Web API call to the PiperError that explains it; the token never appears in it."""
    status = _status_of(error)
    response = getattr(error, "response", None)
    data = getattr(response, "data", None)
    code = data.get("error") if isinstance(data, dict) else None
    where = f" {channel}" if channel else ""
    details: dict[str, Any] = {"method": method, "error": code, "http_status": status}
    if channel:
        details["channel"] = channel
    # INFO, not WARNING: the PiperError built here reaches the user, so stderr need not show it twice.
    logger.info("Slack %s failed: HTTP %s, error %s", method, status, code)

    if code in REJECTED_TOKEN_ERRORS:
        return credentials_rejected("slack", code)
    if code is None and status in (401, 403):
        # Slack itself reports a bad token as HTTP 200 with an error code; a bare 401 or 403 comes from a proxy in between.
        return credentials_rejected("slack", f"HTTP {status}")
    if code == "missing_scope":
        needed = data.get("needed") if isinstance(data, dict) else None
        scope = f" ({needed})" if needed else ""
        return CredentialsError(
            f"The Slack bot token lacks a permission scope that {method} needs{scope}.",
            hint="Add the scope to the Slack app under OAuth & Permissions, reinstall the app, then run `piper auth login slack` with the new token.",
            details=details,
        )
    if code == "channel_not_found":
        return NotFoundError(
            f"Slack channel{where} not found.",
            hint="Check the channel name or id. For a private channel, invite the bot first (/invite @your-bot).",
            details=details,
        )
    if code == "not_in_channel":
        return PiperError(
            f"The Slack bot is not a member of channel{where}.",
            hint="Invite it in that channel with /invite @your-bot, then post again.",
            details=details,
        )
    if code == "is_archived":
        return PiperError(f"Slack channel{where} is archived, so nothing can be posted to it.", hint="Unarchive it or choose another channel.", details=details)
    if code == "ratelimited" or status == 429:
        retry_after = _retry_after(response)
        wait = f" It asked to wait {retry_after} seconds." if retry_after is not None else ""
        details["retry_after"] = retry_after
        return PiperError(f"Slack rate-limited {method}.{wait}", hint="Try again later.", details=details)
    if code:
        return PiperError(f"Slack rejected {method}{where}: {code}.", hint="See Slack's documentation of this error code for the fix.", details=details)
    if status is not None and status >= 500:
        return PiperError(f"Slack {method} failed with HTTP {status}.", hint="Slack may be having problems; try again in a few minutes.", details=details)
    return _invalid_response(method, f"HTTP {status}, no 'ok' field")


def _retry_after(response: Any) -> int | None:
    headers = getattr(response, "headers", None) or {}
    for key, value in dict(headers).items():
        if key.lower() == "retry-after":
            text = value[0] if isinstance(value, list) else value
            try:
                return int(text)
            except (TypeError, ValueError):
                return None
    return None
