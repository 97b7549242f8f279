"""Anthropic's Messages API through the ``anthropic`` SDK.

The SDK is imported on first use because importing it takes about 1.3 s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from piper.integrations.llm.base import JSON_INSTRUCTION, BaseProvider, SDKErrors
from piper.integrations.llm.model import Completion, Message, Usage


class AnthropicProvider(BaseProvider):
    name = "anthropic"
    display_name = "Anthropic"
    key_variable = "ANTHROPIC_API_KEY"
    base_url_variable = "ANTHROPIC_BASE_URL"

    def _build_client(self) -> tuple[Any, SDKErrors]:
        import anthropic

        client = anthropic.AsyncAnthropic(api_key=self._api_key, base_url=self.base_url, timeout=self.timeout, max_retries=0)
        errors = SDKErrors(
            timeout=anthropic.APITimeoutError,
            connection=anthropic.APIConnectionError,
            status=anthropic.APIStatusError,
            response_validation=anthropic.APIResponseValidationError,
        )
        return client, errors

    async def _complete_once(
        self, client: Any, messages: Sequence[Message], *, system: str | None, max_tokens: int, temperature: float, json_mode: bool
    ) -> Completion:
        # The Messages API has no JSON switch that every model accepts, so JSON mode is an instruction.
        if json_mode:
            system = f"{system}\n\n{JSON_INSTRUCTION}" if system else JSON_INSTRUCTION

        response = await client.messages.create(**self._request(messages, system, max_tokens, temperature))
        text = "".join(block.text for block in response.content if getattr(block, "type", None) == "text")
        usage = Usage(input_tokens=response.usage.input_tokens or 0, output_tokens=response.usage.output_tokens or 0)
        return Completion(text=text, model=response.model, provider=self.name, usage=usage)

    async def _stream_once(
        self, client: Any, messages: Sequence[Message], *, system: str | None, max_tokens: int, temperature: float
    ) -> AsyncIterator[str]:
        events = await client.messages.create(**self._request(messages, system, max_tokens, temperature), stream=True)
        async with events:
            async for event in events:
                if event.type == "content_block_delta" and getattr(event.delta, "type", None) == "text_delta":
                    yield event.delta.text

    def _request(self, messages: Sequence[Message], system: str | None, max_tokens: int, temperature: float) -> dict[str, Any]:
        # NOTE: temperature is not sent. anthropic 2.17's messages.create() has no such parameter,
        # so the model samples with its default temperature.
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": max_tokens,
            "messages": [{"role": message["role"], "content": message["content"]} for message in messages],
        }
        if system:
            request["system"] = system
        return request
