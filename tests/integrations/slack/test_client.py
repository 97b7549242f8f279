"""SlackClient against the Slack Web API double: lookup, posting, retries, and every error path."""

from __future__ import annotations

import logging
import time

import pytest

from piper.errors import CredentialsError, NotFoundError, PiperError
from piper.integrations.slack.client import METADATA_EVENT_TYPE, SlackClient
from tests.doubles.slack_server import BOT_TOKEN, REVOKED_TOKEN, Fault, SlackServer


def client(**options: float) -> SlackClient:
    return SlackClient(timeout=options.pop("timeout", 2.0), **options)  # type: ignore[arg-type]


async def test_post_resolves_name_across_pages(slack: SlackServer) -> None:
    result = await client().post_message("#team-standup", ["Hello *team*"])

    lists = slack.calls_to("conversations.list")
    assert [call.arguments.get("cursor") for call in lists] == [None, "2"]
    assert result.channel == "C000000002"
    assert result.channel_name == "team-standup"
    assert [message["text"] for message in slack.channel("team-standup").messages] == ["Hello *team*"]
    assert result.messages[0].ts == slack.channel("team-standup").messages[0]["ts"]


async def test_post_sends_section_block_and_metadata(slack: SlackServer) -> None:
    await client().post_message("general", ["Hi"])

    posted = slack.channel("general").messages[0]
    assert posted["blocks"] == [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]
    assert posted["metadata"]["event_type"] == METADATA_EVENT_TYPE
    assert posted["metadata"]["event_payload"]["parts"] == 1


async def test_post_channel_id_skips_lookup(slack: SlackServer) -> None:
    result = await client().post_message("C000000001", ["Hi"])

    assert slack.calls_to("conversations.list") == []
    assert result.channel == "C000000001"
    assert result.channel_name is None
    assert len(slack.channel("random").messages) == 1


async def test_post_parts_in_order(slack: SlackServer) -> None:
    result = await client().post_message("#eng", ["one", "two", "three"])

    assert [message["text"] for message in slack.channel("eng").messages] == ["one", "two", "three"]
    assert [message.ts for message in result.messages] == [message["ts"] for message in slack.channel("eng").messages]
    assert result.to_json()["parts"] == 3


async def test_unknown_channel_not_found(slack: SlackServer) -> None:
    with pytest.raises(NotFoundError) as raised:
        await client().post_message("#nope", ["Hi"])

    assert "#nope not found" in raised.value.message
    assert "invite the bot" in (raised.value.hint or "")
    assert len(slack.calls_to("conversations.list")) == 3
    assert slack.calls_to("chat.postMessage") == []


async def test_channel_id_not_found_error(slack: SlackServer) -> None:
    with pytest.raises(NotFoundError) as raised:
        await client().post_message("C0DEADBEEF", ["Hi"])

    assert raised.value.details["error"] == "channel_not_found"


async def test_bot_not_in_channel(slack: SlackServer) -> None:
    slack.add_channel("C0OUTSIDE1", "outside", is_member=False)

    with pytest.raises(PiperError) as raised:
        await client().post_message("#outside", ["Hi"])

    assert "not a member of channel #outside" in raised.value.message
    assert "/invite" in (raised.value.hint or "")
    assert raised.value.exit_code == 1


async def test_archived_channel_rejected(slack: SlackServer) -> None:
    slack.add_channel("C0ARCHIVE1", "old-news", is_archived=True)

    with pytest.raises(PiperError) as raised:
        await client().post_message("#old-news", ["Hi"])

    assert "is archived" in raised.value.message
    assert raised.value.details["error"] == "is_archived"


@pytest.mark.parametrize("token", ["xoxb-wrong-token", REVOKED_TOKEN])
async def test_rejected_token_exit_4(slack: SlackServer, token: str) -> None:
    with pytest.raises(CredentialsError) as raised:
        await SlackClient(token).post_message("C000000000", ["Hi"])

    assert raised.value.exit_code == 4
    assert "Slack rejected the bot token" in raised.value.message
    assert "piper auth login slack" in (raised.value.hint or "")
    assert token not in str(raised.value.details)


async def test_missing_token_exit_4(slack: SlackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")

    with pytest.raises(CredentialsError) as raised:
        SlackClient()

    assert "piper auth login slack" in (raised.value.hint or "")


async def test_missing_scope_names_scope(slack: SlackServer) -> None:
    slack.scopes.discard("chat:write")

    with pytest.raises(CredentialsError) as raised:
        await client().post_message("C000000000", ["Hi"])

    assert "(chat:write)" in raised.value.message


async def test_validation_error_names_code(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("error", code="invalid_blocks"))

    with pytest.raises(PiperError) as raised:
        await client().post_message("C000000000", ["Hi"])

    assert "chat.postMessage C000000000: invalid_blocks" in raised.value.message
    assert slack.channel("general").messages == []


async def test_ratelimited_post_waits_and_retries(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("ratelimited", retry_after=1))

    started = time.monotonic()
    await client().post_message("C000000000", ["Hi"])

    assert time.monotonic() - started >= 1.0
    assert len(slack.calls_to("chat.postMessage")) == 2
    assert len(slack.channel("general").messages) == 1


async def test_ratelimit_beyond_max_wait_fails(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("ratelimited", retry_after=120))

    started = time.monotonic()
    with pytest.raises(PiperError) as raised:
        await client(max_retry_wait=30).post_message("C000000000", ["Hi"])

    assert time.monotonic() - started < 5
    assert "rate-limited chat.postMessage" in raised.value.message
    assert "120 seconds" in raised.value.message
    assert raised.value.details["retry_after"] == 120
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_ratelimited_list_retried(slack: SlackServer) -> None:
    slack.fail("conversations.list", Fault("ratelimited", retry_after=0), Fault("ratelimited", retry_after=0))

    result = await client().post_message("#general", ["Hi"])

    assert result.channel == "C000000000"
    assert len(slack.calls_to("conversations.list")) == 3


async def test_server_error_on_list_retried(slack: SlackServer) -> None:
    slack.fail("conversations.list", Fault("http_error", status=503), Fault("http_error", status=500))

    result = await client().post_message("#design", ["Hi"])

    assert result.channel == "C000000003"


async def test_server_errors_exhaust_retries(slack: SlackServer) -> None:
    slack.fail("conversations.list", *[Fault("http_error", status=502)] * 4)

    with pytest.raises(PiperError) as raised:
        await client(max_retries=3).post_message("#design", ["Hi"])

    assert "HTTP 502" in raised.value.message
    assert len(slack.calls_to("conversations.list")) == 4


async def test_timeout_on_list_retried(slack: SlackServer) -> None:
    slack.fail("conversations.list", Fault("slow", delay=1.0))

    result = await client(timeout=0.3).post_message("#general", ["Hi"])

    assert result.channel == "C000000000"
    assert len(slack.calls_to("conversations.list")) == 2


async def test_post_5xx_after_success_not_duplicated(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("http_error", status=500, process=True))

    result = await client().post_message("C000000000", ["Once only"])

    assert [message["text"] for message in slack.channel("general").messages] == ["Once only"]
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.calls_to("conversations.history")) == 1
    assert result.messages[0].ts == slack.channel("general").messages[0]["ts"]


async def test_post_timeout_after_success_not_duplicated(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("slow", delay=1.0))

    await client(timeout=0.3).post_message("C000000000", ["Once only"])

    assert len(slack.channel("general").messages) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_post_dropped_after_success_not_duplicated(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("drop", process=True))

    await client().post_message("C000000000", ["Once only"])

    assert len(slack.channel("general").messages) == 1


async def test_post_5xx_before_processing_retried(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("http_error", status=503), Fault("drop"))

    await client().post_message("C000000000", ["Second time lucky"])

    assert [message["text"] for message in slack.channel("general").messages] == ["Second time lucky"]
    assert len(slack.calls_to("chat.postMessage")) == 3
    assert len(slack.calls_to("conversations.history")) == 2


async def test_post_history_finds_part_among_pages(slack: SlackServer) -> None:
    for text in ("older one", "older two", "older three"):
        await client().post_message("C000000000", [text])
    slack.fail("chat.postMessage", Fault("http_error", status=500, process=True))

    await client().post_message("C000000000", ["new"])

    assert [message["text"] for message in slack.channel("general").messages] == ["older one", "older two", "older three", "new"]


async def test_post_unconfirmed_without_history_scope(slack: SlackServer) -> None:
    slack.scopes.discard("channels:history")
    slack.fail("chat.postMessage", Fault("http_error", status=500, process=True))

    with pytest.raises(PiperError) as raised:
        await client().post_message("C000000000", ["Maybe"])

    assert "did not confirm" in raised.value.message
    assert "may have been posted" in (raised.value.hint or "")
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_post_failures_exhaust_retries(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", *[Fault("http_error", status=500)] * 3)

    with pytest.raises(PiperError) as raised:
        await client(max_retries=2).post_message("C000000000", ["Never"])

    assert "HTTP 500" in raised.value.message
    assert slack.channel("general").messages == []


async def test_malformed_post_response(slack: SlackServer) -> None:
    slack.fail("chat.postMessage", Fault("malformed"))

    with pytest.raises(PiperError) as raised:
        await client().post_message("C000000000", ["Hi"])

    assert "invalid response to chat.postMessage" in raised.value.message
    assert "PIPER_SLACK_API_URL" in (raised.value.hint or "")


async def test_response_without_ok_field(slack: SlackServer) -> None:
    slack.fail("conversations.list", Fault("no_ok"))

    with pytest.raises(PiperError) as raised:
        await client().post_message("#general", ["Hi"])

    assert "invalid response to conversations.list" in raised.value.message


async def test_later_part_failure_reports_posted(slack: SlackServer) -> None:
    # A slow fault with no delay responds normally, so only the second post fails.
    slack.fail("chat.postMessage", Fault("slow", delay=0), Fault("error", code="msg_too_long"))

    with pytest.raises(PiperError) as raised:
        await client().post_message("C000000000", ["first", "second"])

    assert raised.value.details["posted"]["parts"] == 1
    assert "1 of 2 parts were posted" in (raised.value.hint or "")
    assert [message["text"] for message in slack.channel("general").messages] == ["first"]


async def test_connection_refused_names_url(slack: SlackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.doubles.llm_server import unused_port

    monkeypatch.setenv("PIPER_SLACK_API_URL", f"http://127.0.0.1:{unused_port()}/api/")

    with pytest.raises(PiperError) as raised:
        await client(max_retries=1).post_message("C000000000", ["Hi"])

    assert "could not connect to 127.0.0.1" in raised.value.message


async def test_token_never_logged(slack: SlackServer, caplog: pytest.LogCaptureFixture) -> None:
    slack.fail("chat.postMessage", Fault("http_error", status=500, process=True), Fault("ratelimited", retry_after=0))
    slack.fail("conversations.list", Fault("http_error", status=500))

    with caplog.at_level(logging.DEBUG):
        await client().post_message("#general", ["Hi", "there"])
        with pytest.raises(CredentialsError) as raised:
            await SlackClient(REVOKED_TOKEN).post_message("#general", ["Hi"])

    assert caplog.records
    assert BOT_TOKEN not in caplog.text
    assert REVOKED_TOKEN not in caplog.text
    assert BOT_TOKEN not in str(raised.value.details)
    assert slack.calls[0].headers["authorization"] == f"Bearer {BOT_TOKEN}"


@pytest.mark.parametrize("status", [401, 403])
async def test_http_auth_failure_exit_4(slack: SlackServer, status: int) -> None:
    slack.fail("chat.postMessage", Fault("http_error", status=status))

    with pytest.raises(CredentialsError) as raised:
        await client().post_message("C000000000", ["Hi"])

    assert f"(HTTP {status})" in raised.value.message
    assert slack.channel("general").messages == []


async def test_http_404_names_api_url(slack: SlackServer) -> None:
    slack.fail("conversations.list", Fault("http_error", status=404))

    with pytest.raises(PiperError) as raised:
        await client().post_message("#general", ["Hi"])

    assert "invalid response to conversations.list: HTTP 404" in raised.value.message
    assert "PIPER_SLACK_API_URL" in (raised.value.hint or "")
