"""OpenAI's Chat Completions API, and servers that copy it, through the ``openai`` SDK.

Ollama, vLLM and llama.cpp's server answer the same API under their own
``/v1`` URL and accept any key. The SDK is imported on first use because
importing it takes about 0.6 s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from piper.integrations.llm.base import JSON_INSTRUCTION, BaseProvider, SDKErrors
from piper.integrations.llm.model import Completion, Message, Usage

PLACEHOLDER_KEY = "not-needed"
"""Key sent to a local OpenAI-compatible server when none is configured; such servers ignore it."""


class OpenAIProvider(BaseProvider):
    name = "openai"
    display_name = "OpenAI"
    key_variable = "OPENAI_API_KEY"
    base_url_variable = "OPENAI_BASE_URL"

    max_tokens_field = "max_completion_tokens"
    """OpenAI deprecated ``max_tokens`` for ``max_completion_tokens``, which its reasoning models require."""

    def _build_client(self) -> tuple[Any, SDKErrors]:
        import openai

        client = openai.AsyncOpenAI(api_key=self._api_key, base_url=self.base_url, timeout=self.timeout, max_retries=0)
        errors = SDKErrors(
            timeout=openai.APITimeoutError,
            connection=openai.APIConnectionError,
            status=openai.APIStatusError,
            response_validation=openai.APIResponseValidationError,
        )
        return client, errors

    async def _complete_once(
        self, client: Any, messages: Sequence[Message], *, system: str | None, max_tokens: int, temperature: float, json_mode: bool
    ) -> Completion:
        request = self._request(messages, system, max_tokens, temperature, json_mode=json_mode)
        response = await client.chat.completions.create(**request)

        text = ""
        if response.choices:
            text = response.choices[0].message.content or ""
        usage = Usage()
        if response.usage is not None:
            usage = Usage(input_tokens=response.usage.prompt_tokens or 0, output_tokens=response.usage.completion_tokens or 0)
        return Completion(text=text, model=response.model or self.model, provider=self.name, usage=usage)

    async def _stream_once(
        self, client: Any, messages: Sequence[Message], *, system: str | None, max_tokens: int, temperature: float
    ) -> AsyncIterator[str]:
        chunks = await client.chat.completions.create(**self._request(messages, system, max_tokens, temperature), stream=True)
        async with chunks:
            async for chunk in chunks:
                for choice in chunk.choices:
                    if choice.delta is not None and choice.delta.content:
                        yield choice.delta.content

    def _request(
        self, messages: Sequence[Message], system: str | None, max_tokens: int, temperature: float, *, json_mode: bool = False
    ) -> dict[str, Any]:
        # json_object mode requires the word "JSON" in the prompt, so the instruction goes along with the switch.
        if json_mode:
            system = f"{system}\n\n{JSON_INSTRUCTION}" if system else JSON_INSTRUCTION

        chat: list[dict[str, str]] = []
        if system:
            chat.append({"role": "system", "content": system})
        chat.extend({"role": message["role"], "content": message["content"]} for message in messages)

        request: dict[str, Any] = {"model": self.model, self.max_tokens_field: max_tokens, "temperature": temperature, "messages": chat}
        if json_mode:
            request["response_format"] = {"type": "json_object"}
        return request


class OpenAICompatibleProvider(OpenAIProvider):
    """A local or self-hosted server with the Chat Completions API (Ollama, vLLM, llama.cpp)."""

    name = "openai_compatible"
    display_name = "the OpenAI-compatible server"

    # Ollama, vLLM and llama.cpp read max_tokens; not every version reads max_completion_tokens.
    max_tokens_field = "max_tokens"
