from __future__ import annotations

import pytest

from piper.config import LLMSettings, LLMTaskSettings, Settings
from piper.errors import ConfigError, CredentialsError, UsageError
from piper.integrations.llm.anthropic_provider import AnthropicProvider
from piper.integrations.llm.openai_provider import PLACEHOLDER_KEY, OpenAICompatibleProvider, OpenAIProvider
from piper.integrations.llm.registry import get_provider
from piper.secrets import KEYRING_SERVICE
from tests.doubles.memory_keyring import MemoryKeyring


def settings_for(task: str, provider: str, model: str | None = "m", base_url: str | None = None, **llm: object) -> Settings:
    choice = LLMTaskSettings(provider=provider, model=model, base_url=base_url)  # type: ignore[arg-type]
    return Settings(llm=LLMSettings(**{task: choice}, **llm))  # type: ignore[arg-type]


def test_default_settings_give_no_provider() -> None:
    for task in ("classification", "conversation", "drafting"):
        assert get_provider(task, Settings()) is None


def test_provider_none_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")

    assert get_provider("drafting", settings_for("drafting", "none", model=None)) is None


def test_unknown_task_rejected() -> None:
    with pytest.raises(UsageError) as caught:
        get_provider("summarising", Settings())

    assert "unknown LLM task 'summarising'" in caught.value.message


def test_anthropic_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/")

    provider = get_provider("conversation", settings_for("conversation", "anthropic", timeout_seconds=4, max_retries=1))

    assert isinstance(provider, AnthropicProvider)
    assert provider.model == "m"
    assert provider.base_url == "http://127.0.0.1:9/"
    assert provider.timeout == 4
    assert provider.retry_policy.max_retries == 1


def test_openai_key_from_keyring(llm_environment: MemoryKeyring) -> None:
    llm_environment.set_password(KEYRING_SERVICE, "OPENAI_API_KEY", "sk-keyring")

    provider = get_provider("drafting", settings_for("drafting", "openai"))

    assert isinstance(provider, OpenAIProvider)


def test_missing_anthropic_key_names_sources() -> None:
    with pytest.raises(CredentialsError) as caught:
        get_provider("conversation", settings_for("conversation", "anthropic"))

    error = caught.value
    assert error.exit_code == 4
    assert "no ANTHROPIC_API_KEY is set" in error.message
    assert "llm.conversation" in error.message
    assert "piper-morgan" in (error.hint or "")


def test_missing_openai_key_raises() -> None:
    with pytest.raises(CredentialsError) as caught:
        get_provider("drafting", settings_for("drafting", "openai"))

    assert "OPENAI_API_KEY" in caught.value.message


def test_compatible_uses_placeholder_key() -> None:
    provider = get_provider("classification", settings_for("classification", "openai_compatible", base_url="http://127.0.0.1:9/v1"))

    assert isinstance(provider, OpenAICompatibleProvider)
    assert provider._api_key == PLACEHOLDER_KEY
    assert provider.base_url == "http://127.0.0.1:9/v1"


def test_compatible_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8/v1")

    provider = get_provider("classification", settings_for("classification", "openai_compatible"))

    assert provider is not None
    assert provider.base_url == "http://127.0.0.1:8/v1"


def test_compatible_without_url_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        get_provider("classification", settings_for("classification", "openai_compatible"))

    assert "names no URL" in caught.value.message
    assert "base_url" in (caught.value.hint or "")


def test_config_url_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8/v1")

    provider = get_provider("classification", settings_for("classification", "openai_compatible", base_url="http://127.0.0.1:9/v1"))

    assert provider is not None
    assert provider.base_url == "http://127.0.0.1:9/v1"


def test_same_server_shares_breaker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    settings = Settings(llm=LLMSettings(
        conversation=LLMTaskSettings(provider="anthropic", model="a"),
        drafting=LLMTaskSettings(provider="anthropic", model="b"),
        classification=LLMTaskSettings(provider="openai_compatible", model="c", base_url="http://127.0.0.1:9/v1"),
    ))

    conversation = get_provider("conversation", settings)
    drafting = get_provider("drafting", settings)
    classification = get_provider("classification", settings)

    assert conversation is not None
    assert drafting is not None
    assert classification is not None
    assert conversation.breaker is drafting.breaker
    assert classification.breaker is not conversation.breaker


def test_repr_hides_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret")

    provider = get_provider("conversation", settings_for("conversation", "anthropic"))

    assert "sk-ant-very-secret" not in repr(provider)
    assert "sk-ant-very-secret" not in str(vars(provider).get("breaker"))


def test_settings_require_model() -> None:
    with pytest.raises(ValueError, match="needs a model"):
        LLMTaskSettings(provider="openai")
