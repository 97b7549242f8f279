"""``piper auth login|status|logout`` through the real entry point, with live checks against a loopback double."""

from __future__ import annotations

import io
import json
import stat
import sys

import keyring
import pytest

from piper.secrets import KEYRING_SERVICE, credentials_path
from tests.auth.service_double import VALID_TOKENS, Override, ServiceDouble
from tests.cli_runner import Result, Runner, run_piper  # noqa: F401 - fixture
from tests.doubles.memory_keyring import MemoryKeyring

ALL_TOKENS = list(VALID_TOKENS.values())


def feed_stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def assert_no_token(result: Result, *tokens: str) -> None:
    for token in tokens or ALL_TOKENS:
        assert token not in result.stdout
        assert token not in result.stderr


def test_login_with_token_stores_in_keyring(run_piper: Runner, services: ServiceDouble, credential_environment: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, VALID_TOKENS["github"] + "\n")

    result = run_piper("auth", "login", "github", "--with-token")

    assert result.exit_code == 0, result.stderr
    assert "Stored the GitHub token in the OS keyring" in result.stdout
    assert "as octocat" in result.stdout
    assert credential_environment.entries[(KEYRING_SERVICE, "GITHUB_TOKEN")] == VALID_TOKENS["github"]
    assert_no_token(result)


def test_login_without_keyring_uses_private_file(run_piper: Runner, services: ServiceDouble, no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, VALID_TOKENS["slack"])

    result = run_piper("auth", "login", "slack", "--with-token", "--json")

    assert result.exit_code == 0, result.stderr
    data = result.json()["data"]
    assert data["stored_in"] == "file"
    assert data["check"] == {"status": "valid", "detail": "as piper in Acme"}
    assert stat.S_IMODE(credentials_path().stat().st_mode) == 0o600
    assert json.loads(credentials_path().read_text()) == {"SLACK_BOT_TOKEN": VALID_TOKENS["slack"]}
    assert "no OS keyring is available" in result.stderr
    assert_no_token(result)


def test_login_rejected_token_not_stored(run_piper: Runner, services: ServiceDouble, credential_environment: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, "ghp_wrongToken9999")

    result = run_piper("auth", "login", "github", "--with-token")

    assert result.exit_code == 4
    assert "GitHub rejected the token (HTTP 401). Nothing was stored." in result.error_text
    assert credential_environment.entries == {}
    assert_no_token(result, "ghp_wrongToken9999")


def test_login_unreachable_still_stores(run_piper: Runner, services: ServiceDouble, credential_environment: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    services.overrides["notion"] = Override(status=503)
    feed_stdin(monkeypatch, VALID_TOKENS["notion"])

    result = run_piper("auth", "login", "notion", "--with-token")

    assert result.exit_code == 0
    assert "could not check the token with Notion (HTTP 503)" in result.error_text
    assert (KEYRING_SERVICE, "NOTION_TOKEN") in credential_environment.entries


def test_login_no_check_skips_request(run_piper: Runner, services: ServiceDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, "sk-unchecked")

    result = run_piper("auth", "login", "openai", "--with-token", "--no-check")

    assert result.exit_code == 0
    assert services.requests == []


def test_login_without_terminal_needs_with_token(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, "")

    result = run_piper("auth", "login", "github")

    assert result.exit_code == 2
    assert "--with-token" in result.error_text


def test_login_prompt_hidden_on_terminal(run_piper: Runner, services: ServiceDouble, credential_environment: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts: list[str] = []
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or VALID_TOKENS["anthropic"])

    result = run_piper("auth", "login", "anthropic")

    assert result.exit_code == 0, result.stderr
    assert prompts == ["Paste your Anthropic API key (input is hidden): "]
    assert credential_environment.entries[(KEYRING_SERVICE, "ANTHROPIC_API_KEY")] == VALID_TOKENS["anthropic"]


@pytest.mark.parametrize("text", ["", "   \n", "two words"])
def test_login_invalid_input_rejected(run_piper: Runner, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    feed_stdin(monkeypatch, text)

    result = run_piper("auth", "login", "github", "--with-token", "--no-check")

    assert result.exit_code == 2
    assert "nothing was stored" in result.error_text


def test_login_unknown_service(run_piper: Runner) -> None:
    result = run_piper("auth", "login", "jira", "--with-token")

    assert result.exit_code == 2
    assert "Unknown service 'jira'" in result.error_text


def test_login_notes_environment_override(run_piper: Runner, services: ServiceDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_fromEnvironment")
    feed_stdin(monkeypatch, VALID_TOKENS["github"])

    result = run_piper("auth", "login", "github", "--with-token")

    assert "GITHUB_TOKEN is set and overrides the stored token" in result.error_text
    assert_no_token(result, "ghp_fromEnvironment", VALID_TOKENS["github"])


def test_status_reports_sources_and_checks(run_piper: Runner, services: ServiceDouble, credential_environment: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", VALID_TOKENS["github"])
    credential_environment.set_password(KEYRING_SERVICE, "SLACK_BOT_TOKEN", VALID_TOKENS["slack"])
    credential_environment.set_password(KEYRING_SERVICE, "NOTION_TOKEN", VALID_TOKENS["notion"])
    credential_environment.set_password(KEYRING_SERVICE, "ANTHROPIC_API_KEY", VALID_TOKENS["anthropic"])
    credential_environment.set_password(KEYRING_SERVICE, "OPENAI_API_KEY", VALID_TOKENS["openai"])

    result = run_piper("auth", "status", "--json")

    assert result.exit_code == 0, result.stdout
    rows = {row["service"]: row for row in result.json()["data"]["services"]}
    assert rows["github"] == {"service": "github", "variable": "GITHUB_TOKEN", "set": True, "source": "environment", "check": "valid", "detail": "as octocat"}
    assert rows["slack"]["source"] == "keyring"
    assert rows["slack"]["detail"] == "as piper in Acme"
    assert rows["notion"]["detail"] == "as Piper bot"
    assert rows["anthropic"]["check"] == "valid"
    assert rows["openai"]["check"] == "valid"
    assert_no_token(result)
    headers = dict(services.requests)
    assert headers["/anthropic/v1/models?limit=1"]["x-api-key"] == VALID_TOKENS["anthropic"]
    assert headers["/notion/v1/users/me"]["notion-version"] == "2022-06-28"


def test_status_unset_services_exit_0(run_piper: Runner, services: ServiceDouble) -> None:
    result = run_piper("auth", "status")

    assert result.exit_code == 0
    assert "github     not set" in result.stdout
    assert "piper auth login slack" in result.stdout
    assert services.requests == []


def test_status_named_missing_exit_4(run_piper: Runner, services: ServiceDouble) -> None:
    result = run_piper("auth", "status", "slack", "--json")

    assert result.exit_code == 4
    envelope = result.json()
    assert envelope["status"] == "error"
    assert envelope["error"] == "Credentials not set: slack."
    assert envelope["details"]["hint"] == "Run `piper auth login slack`."


def test_status_rejected_exit_4(run_piper: Runner, services: ServiceDouble, credential_environment: MemoryKeyring) -> None:
    credential_environment.set_password(KEYRING_SERVICE, "SLACK_BOT_TOKEN", "xoxb-revoked-long-ago")

    result = run_piper("auth", "status")

    assert result.exit_code == 4
    assert "slack      REJECTED       from the OS keyring (invalid_auth)" in result.stdout
    assert "Credentials rejected: slack." in result.error_text
    assert "piper auth login slack" in result.error_text
    assert_no_token(result, "xoxb-revoked-long-ago")


@pytest.mark.parametrize(
    ("override", "detail"),
    [
        (Override(status=500), "HTTP 500"),
        (Override(body=b"<html>not json</html>"), "not a JSON object"),
        (Override(status=429, headers={"Retry-After": "30"}), "rate-limited (HTTP 429)"),
        (Override(status=403, headers={"x-ratelimit-remaining": "0"}), "rate-limited (HTTP 403)"),
        (Override(delay=1.0), "timed out"),
    ],
)
def test_status_check_errors_not_rejections(run_piper: Runner, services: ServiceDouble, monkeypatch: pytest.MonkeyPatch, override: Override, detail: str) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", VALID_TOKENS["github"])
    services.overrides["github"] = override

    result = run_piper("auth", "status", "github", "--json", "--timeout", "0.3")

    assert result.exit_code == 0, result.stdout
    row = result.json()["data"]["services"][0]
    assert row["check"] == "error"
    assert detail in row["detail"]


def test_status_403_is_rejection(run_piper: Runner, services: ServiceDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_TOKEN", VALID_TOKENS["notion"])
    services.overrides["notion"] = Override(status=403)

    result = run_piper("auth", "status", "notion", "--json")

    assert result.exit_code == 4
    envelope = result.json()
    assert envelope["details"]["services"][0]["check"] == "rejected"
    assert envelope["details"]["hint"] == "Fix or unset the environment variable NOTION_TOKEN."


def test_status_no_check_sends_nothing(run_piper: Runner, services: ServiceDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-anything")

    result = run_piper("auth", "status", "--no-check", "--json")

    assert result.exit_code == 0
    rows = {row["service"]: row for row in result.json()["data"]["services"]}
    assert rows["openai"]["check"] == "not_checked"
    assert services.requests == []


def test_status_reports_file_source(run_piper: Runner, services: ServiceDouble, no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, VALID_TOKENS["notion"])
    run_piper("auth", "login", "notion", "--with-token")

    result = run_piper("auth", "status", "notion")

    assert result.exit_code == 0
    assert "from the credentials file (as Piper bot)" in result.stdout
    assert "No OS keyring is available" in result.stdout


def test_logout_removes_stored_token(run_piper: Runner, credential_environment: MemoryKeyring) -> None:
    credential_environment.set_password(KEYRING_SERVICE, "GITHUB_TOKEN", VALID_TOKENS["github"])

    result = run_piper("auth", "logout", "github")

    assert result.exit_code == 0
    assert "Removed the GitHub token from the OS keyring." in result.stdout
    assert credential_environment.entries == {}


def test_logout_nothing_stored(run_piper: Runner, no_keyring: None) -> None:
    result = run_piper("auth", "logout", "openai", "--json")

    assert result.exit_code == 0
    assert result.json()["data"]["removed_from"] == []


def test_logout_notes_environment(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_TOKEN", "secret_env")

    result = run_piper("auth", "logout", "notion")

    assert "NOTION_TOKEN is still set" in result.error_text


def test_tokens_absent_from_debug_logs(run_piper: Runner, services: ServiceDouble, no_keyring: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    for name, token in VALID_TOKENS.items():
        feed_stdin(monkeypatch, token)
        assert run_piper("--debug", "auth", "login", name, "--with-token").exit_code == 0
    services.overrides["github"] = Override(status=500)

    result = run_piper("--debug", "auth", "status", "--json")

    assert result.exit_code == 0
    assert_no_token(result)
    assert all(token not in caplog.text for token in ALL_TOKENS)
    assert keyring.get_keyring() is not None


def test_login_closed_stdin_is_usage_error(run_piper: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    # Python sets sys.stdin to None when the process starts with standard input closed (`<&-`).
    monkeypatch.setattr(sys, "stdin", None)

    with_token = run_piper("auth", "login", "slack", "--with-token")
    prompted = run_piper("auth", "login", "slack")

    assert with_token.exit_code == 2
    assert "Standard input is closed" in with_token.error_text
    assert "--with-token < token.txt" in with_token.error_text
    assert prompted.exit_code == 2
    assert "not a terminal" in prompted.error_text


def test_login_unwritable_config_names_path(run_piper: Runner, services: ServiceDouble, no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # A folder in the file's place fails the write even for root, which ignores permission bits.
    credentials_path().mkdir(parents=True)
    feed_stdin(monkeypatch, VALID_TOKENS["slack"])

    result = run_piper("auth", "login", "slack", "--with-token")

    assert result.exit_code == 1
    assert f"Cannot write the credentials file {credentials_path()}" in result.error_text
    assert "PIPER_CONFIG_DIR" in result.error_text
    assert "Traceback" not in result.stderr
    assert_no_token(result)


def test_login_keeps_damaged_file_aside(run_piper: Runner, services: ServiceDouble, no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = '{"GITHUB_TOKEN": "ghp_handEditedToken", oops'
    credentials_path().parent.mkdir(parents=True)
    credentials_path().write_text(damaged)
    feed_stdin(monkeypatch, VALID_TOKENS["slack"])

    result = run_piper("auth", "login", "slack", "--with-token")

    assert result.exit_code == 0, result.stderr
    assert json.loads(credentials_path().read_text()) == {"SLACK_BOT_TOKEN": VALID_TOKENS["slack"]}
    backups = list(credentials_path().parent.glob("credentials.json.damaged-*"))
    assert len(backups) == 1
    assert backups[0].read_text() == damaged
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert backups[0].name in result.stderr
    assert_no_token(result, VALID_TOKENS["slack"], "ghp_handEditedToken")
