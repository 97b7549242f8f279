"""The SDKs cost 0.6-1.3 s to import, so nothing imports them before a provider is used."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SDK_MODULES = ("anthropic", "openai", "keyring")


def imported_modules(arguments: list[str]) -> set[str]:
    """Run Python with ``-X importtime`` and return the top-level packages it imported."""
    result = subprocess.run([sys.executable, "-X", "importtime", *arguments], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            modules.add(name.split(".")[0])
    return modules


def test_help_imports_no_sdk() -> None:
    modules = imported_modules(["-m", "piper", "--help"])

    assert "typer" in modules, "the import list was read"
    for sdk in SDK_MODULES:
        assert sdk not in modules


def test_provider_built_without_sdk() -> None:
    script = textwrap.dedent(
        """
        import os, sys
        os.environ["ANTHROPIC_API_KEY"] = "sk-test"
        from piper.config import LLMSettings, LLMTaskSettings, Settings
        from piper.integrations.llm import get_provider
        settings = Settings(llm=LLMSettings(conversation=LLMTaskSettings(provider="anthropic", model="m")))
        provider = get_provider("conversation", settings)
        assert provider is not None
        print(",".join(sorted(name for name in ("anthropic", "openai", "keyring") if name in sys.modules)))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""
