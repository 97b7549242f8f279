"""Download a calendar URL with httpx: timeout, retries on timeouts, HTTP 429 and 5xx, conditional requests.

A subscription URL often carries a secret token in its path or query (a
"secret address in iCal format"), so messages and logs show only the
scheme and the host, never the whole URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from piper.integrations.calendar._errors import CalendarError, CalendarUnavailableError

if TYPE_CHECKING:
    import httpx

    from piper.integrations.calendar._cache import CachedCalendar

logger = logging.getLogger(__name__)

USER_AGENT = "piper-morgan (calendar subscription)"


@dataclass(frozen=True, slots=True)
class DownloadPolicy:
    """How long to wait for a calendar server and how often to try again."""

    timeout: float = 10.0
    """Seconds for each of connecting, sending, waiting for and reading a response."""

    retries: int = 2
    """Extra attempts after a timeout, a connection failure, HTTP 429 (too many requests) or HTTP 5xx."""

    backoff: float = 0.5
    """Seconds before the first retry; each further retry waits twice as long."""


@dataclass(frozen=True, slots=True)
class Download:
    """A server's response: new content, or None when it confirmed the cached copy with HTTP 304."""

    content: bytes | None
    etag: str | None
    last_modified: str | None
    received_at: dt.datetime


def fetch_url(url: str) -> str:
    """Return the URL to request: ``webcal://`` and ``webcals://`` become ``https://``.

    webcal is not a protocol of its own: it marks a calendar to subscribe to,
    which calendar servers serve over HTTPS.
    """
    scheme, separator, rest = url.partition("://")
    if separator and scheme.lower() in {"webcal", "webcals"}:
        return f"https://{rest}"
    return url


def display_url(url: str) -> str:
    """Return only the scheme and host of ``url``, safe to show when the path contains a token."""
    parts = urlsplit(url)
    host = parts.hostname or "unknown host"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


async def download(url: str, *, name: str, cached: CachedCalendar | None, policy: DownloadPolicy) -> Download:
    """GET ``url`` (already mapped by :func:`fetch_url`), sending the cached validators when there is a cached copy.

    Raises:
        CalendarUnavailableError: Every attempt timed out, could not connect or got HTTP 429 or 5xx.
        CalendarError: The server responded with 401, 403, 404 or another status that a retry will not change.
    """
    import httpx

    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if cached is not None and cached.etag:
        headers["If-None-Match"] = cached.etag
    if cached is not None and cached.last_modified:
        headers["If-Modified-Since"] = cached.last_modified

    where = display_url(url)
    failure = "no attempt was made"
    async with httpx.AsyncClient(timeout=policy.timeout, follow_redirects=True, headers=headers) as client:
        for attempt in range(policy.retries + 1):
            if attempt:
                delay = policy.backoff * 2 ** (attempt - 1)
                logger.info("calendar %r: retrying %s in %.1f s after: %s", name, where, delay, failure)
                await asyncio.sleep(delay)
            try:
                response = await client.get(url)
            except httpx.TimeoutException:
                failure = f"the request to {where} timed out after {policy.timeout:g} s"
                continue
            except httpx.TransportError as error:
                failure = f"could not connect to {where}: {_error_text(error, url)}"
                continue
            except httpx.HTTPError as error:
                raise CalendarError(f"calendar {name!r}: the download from {where} failed: {_error_text(error, url)}") from None

            if response.status_code >= 500 or response.status_code == 429:
                failure = f"{where} responded with HTTP {response.status_code}"
                continue
            return _accept(response, name=name, where=where, cached=cached)

    logger.info("calendar %r: giving up after %d attempts: %s", name, policy.retries + 1, failure)
    raise CalendarUnavailableError(f"calendar {name!r}: {failure}.")


def _accept(response: httpx.Response, *, name: str, where: str, cached: CachedCalendar | None) -> Download:
    """Turn a response below 500 into a :class:`Download`, or raise the error that its status means."""
    received_at = dt.datetime.now(dt.timezone.utc)
    status = response.status_code
    if status == 304 and cached is not None:
        return Download(None, cached.etag, cached.last_modified, received_at)
    if 200 <= status < 300:
        return Download(response.content, response.headers.get("ETag"), response.headers.get("Last-Modified"), received_at)

    if status in (401, 403):
        raise CalendarError(
            f"calendar {name!r}: {where} rejected the request with HTTP {status}.",
            hint="The calendar's secret address may have been reset or the calendar is private: "
            "copy its iCal address again from the calendar's sharing settings.",
        )
    if status == 404:
        raise CalendarError(
            f"calendar {name!r}: {where} responded with HTTP 404 (not found).",
            hint="The calendar may have been deleted or its address changed: check the url in PIPER.user.md.",
        )
    raise CalendarError(f"calendar {name!r}: {where} responded with HTTP {status}.", hint="Check the url in PIPER.user.md.")


def _error_text(error: Exception, url: str) -> str:
    """Return an httpx error's text with the full URL replaced by its safe form."""
    text = str(error) or type(error).__name__
    return text.replace(url, display_url(url))
