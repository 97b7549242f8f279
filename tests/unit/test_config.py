"""Tests for load_settings: merging YAML blocks, paths, checks and line-accurate errors."""

from __future__ import annotations

import os
from pathlib import Path
from textwrap import dedent

import pytest

from piper.config import LLMTaskSettings, Settings, load_settings, parse_settings
from piper.errors import ConfigError

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def write_config(folder: Path, text: str) -> Path:
    path = folder / "PIPER.user.md"
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_error(folder: Path, text: str) -> ConfigError:
    path = write_config(folder, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return caught.value


# --- Reading and merging ------------------------------------------------------


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.md")

    assert settings == Settings()
    assert settings.source_path is None
    assert settings.identity.workdays == "Mon-Fri"


def test_default_path_is_user_config(isolated_environment: Path) -> None:
    config_dir = isolated_environment / "config"
    config_dir.mkdir()
    write_config(config_dir, "```yaml\ndefault_repository: acme/web\n```\n")

    settings = load_settings()

    assert settings.default_repository == "acme/web"
    assert settings.source_path == config_dir / "PIPER.user.md"


def test_blocks_merge_in_order(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        # Settings

        ```yaml
        identity:
          name: Ada Lovelace
          emails: [ada@example.com, ada@work.example]
        ```

        Some prose between the blocks.

        ```yml
        default_repository: acme/web
        standup:
          sources: [git, todos]
          format: markdown
        ```
        """,
    )

    settings = load_settings(path)

    assert settings.identity.name == "Ada Lovelace"
    assert settings.identity.emails == ["ada@example.com", "ada@work.example"]
    assert settings.default_repository == "acme/web"
    assert settings.standup.sources == ["git", "todos"]
    assert settings.standup.format == "markdown"
    assert settings.source_path == path
    assert settings.key_lines == {"identity": 4, "default_repository": 12, "standup": 13}


def test_other_languages_ignored(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        ```python
        identity = "not settings"
        ```

        ````markdown
        An example of a settings block, shown but not read:
        ```yaml
        default_repository: example/shown
        ```
        ````

            ```yaml
            default_repository: example/indented-code
            ```

        ```YAML
        default_repository: acme/web
        ```
        """,
    )

    settings = load_settings(path)

    assert settings.default_repository == "acme/web"
    assert settings.key_lines == {"default_repository": 17}


def test_empty_blocks_and_comments_skipped(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        ```yaml
        ```

        ```yaml
        # repositories:
        #   - ~/src/web
        ```

        ```yaml
        identity:
          # name: Your Name
        standup:
        ```
        """,
    )

    settings = load_settings(path)

    assert settings.identity.name is None
    assert settings.standup.sources is None
    assert settings.key_lines == {"identity": 10, "standup": 12}


def test_empty_value_means_default(tmp_path: Path) -> None:
    path = write_config(tmp_path, "```yaml\nrepositories:\nscan:\nidentity:\n  emails:\n  workdays:\n```\n")

    settings = load_settings(path)

    assert settings.repositories == []
    assert settings.scan == []
    assert settings.identity.emails == []
    assert settings.identity.workdays == "Mon-Fri"


def test_file_without_blocks_gives_defaults(tmp_path: Path) -> None:
    path = write_config(tmp_path, "# Notes\n\nNothing configured yet.\n")

    settings = load_settings(path)

    assert settings.identity == Settings().identity
    assert settings.source_path == path


def test_crlf_and_bom_accepted(tmp_path: Path) -> None:
    path = tmp_path / "PIPER.user.md"
    path.write_bytes("\ufeff# Settings\r\n\r\n```yaml\r\nidentity:\r\n  name: Zoë\r\n  timezone: Europe/Berln\r\n```\r\n".encode())

    with pytest.raises(ConfigError) as caught:
        load_settings(path)

    assert caught.value.details["line"] == 6


def test_yaml_anchors_and_merge_keys(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        """
        ```yaml
        scan:
          - &common
            path: ~/src
            depth: 1
          - <<: *common
            path: ~/work
        ```
        """,
    )

    settings = load_settings(path)

    assert [root.depth for root in settings.scan] == [1, 1]
    assert settings.scan[1].path == Path.home() / "work"


# --- Paths --------------------------------------------------------------------


def test_relative_paths_resolve_against_file(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    path = write_config(
        folder,
        """
        ```yaml
        repositories:
          - ../src/web
          - api
          - /srv/git/mobile
        scan:
          - path: .
            depth: 0
        ```
        """,
    )

    settings = load_settings(path)

    assert settings.repositories == [folder / "../src/web", folder / "api", Path("/srv/git/mobile")]
    assert settings.scan[0].path == folder
    assert settings.scan[0].depth == 0


def test_relative_file_path_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(tmp_path, "```yaml\nrepositories: [web]\n```\n")
    monkeypatch.chdir(tmp_path)

    settings = load_settings(Path("PIPER.user.md"))

    assert settings.repositories == [tmp_path / "web"]


def test_home_and_variables_expand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORK", "/srv/work")
    path = write_config(
        tmp_path,
        """
        ```yaml
        repositories:
          - ~/src/web
          - $WORK/api
          - ${WORK}/mobile
        scan:
          - path: "~"
        ```
        """,
    )

    settings = load_settings(path)

    assert settings.repositories == [Path(os.environ["HOME"]) / "src/web", Path("/srv/work/api"), Path("/srv/work/mobile")]
    assert settings.scan[0].path == Path(os.environ["HOME"])
    assert settings.scan[0].depth == 3


def test_unset_variable_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPER_NO_SUCH_VARIABLE", raising=False)

    error = load_error(tmp_path, "```yaml\nrepositories:\n  - ~/src\n  - $PIPER_NO_SUCH_VARIABLE/web\n```\n")

    assert error.message.endswith(
        "PIPER.user.md:4: repositories[1]: the environment variable $PIPER_NO_SUCH_VARIABLE in '$PIPER_NO_SUCH_VARIABLE/web' is not set."
    )
    assert "PIPER_NO_SUCH_VARIABLE" in error.hint


def test_error_bare_tilde_path(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nscan:\n  - path: ~/src\n  - path: ~\n```\n")

    assert error.message.endswith("PIPER.user.md:4: scan[1].path: expected a path, got an empty value.")
    assert "'~'" in error.hint


def test_empty_path_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nscan:\n  - path: ''\n```\n")

    assert error.details["line"] == 3
    assert error.details["key"] == "scan[0].path"
    assert "empty" in error.message


def test_code_settings_keep_relative_paths() -> None:
    settings = Settings.model_validate({"repositories": ["web"]})

    assert settings.repositories == [Path("web")]


# --- The example and the starter ----------------------------------------------


def test_example_file_parses() -> None:
    example = REPOSITORY_ROOT / "config" / "PIPER.user.md"

    settings = load_settings(example)

    assert settings.identity.name == "Priya Raman"
    assert len(settings.identity.emails) == 3
    assert settings.identity.timezone == "America/New_York"
    assert settings.identity.workdays == "Mon-Fri"
    assert settings.repositories[0] == Path.home() / "src/acme/web"
    assert [root.depth for root in settings.scan] == [2, 1]
    assert settings.default_repository == "acme/web"
    assert settings.standup.sources == ["git", "github", "todos"]
    assert settings.standup.max_git_processes == 4


def test_example_documents_every_key() -> None:
    text = (REPOSITORY_ROOT / "config" / "PIPER.user.md").read_text(encoding="utf-8")
    sections = {
        "": Settings,
        "identity": Settings.model_fields["identity"].annotation,
        "standup": Settings.model_fields["standup"].annotation,
        "llm": Settings.model_fields["llm"].annotation,
        "llm.classification": LLMTaskSettings,
    }

    for section, model in sections.items():
        for key in model.model_fields:
            if key in {"source_path", "key_lines"}:
                continue
            assert f"`{key}`" in text or f"{key}:" in text, f"{section}.{key} is not documented"


# --- Errors: file level -------------------------------------------------------


def test_error_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files regardless of their permissions")
    path = write_config(tmp_path, "```yaml\n```\n")
    path.chmod(0)

    with pytest.raises(ConfigError) as caught:
        load_settings(path)

    assert caught.value.message == f"{path}: cannot be read: Permission denied."
    assert "permissions" in caught.value.hint


def test_error_parent_not_folder(tmp_path: Path) -> None:
    parent = tmp_path / "file"
    parent.write_text("not a folder")

    with pytest.raises(ConfigError) as caught:
        load_settings(parent / "PIPER.user.md")

    assert caught.value.message == f"{parent / 'PIPER.user.md'}: cannot be read: Not a directory."


def test_error_path_is_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)

    assert caught.value.message == f"{tmp_path}: is a folder, not a file."


def test_error_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "PIPER.user.md"
    path.write_bytes(b"# Settings\n\n```yaml\nidentity:\n  name: Jos\xe9\n```\n")

    with pytest.raises(ConfigError) as caught:
        load_settings(path)

    assert caught.value.message == f"{path}:5: the file is not valid UTF-8 (byte 0xe9 cannot be decoded)."
    assert caught.value.hint == "Save the file with UTF-8 encoding."
    assert caught.value.details["line"] == 5


def test_error_unclosed_block(tmp_path: Path) -> None:
    error = load_error(tmp_path, "# Settings\n\n```yaml\nidentity:\n  name: Ada\n\nMore prose.\n")

    assert error.message.endswith("PIPER.user.md:3: the ```yaml block that opens here is never closed.")
    assert "```" in error.hint


# --- Errors: YAML ---------------------------------------------------------------


def test_error_yaml_syntax(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        # Settings

        ```yaml
        identity:
          name: Ada
          emails: [ada@example.com
          github: ada
        ```
        """,
    )

    assert error.details["line"] == 7
    assert error.message.endswith(":7: invalid YAML: expected ',' or ']', but got ':'. The flow sequence starts at line 6.")
    assert "indentation" in error.hint


def test_error_yaml_tab_indent(tmp_path: Path) -> None:
    error = load_error(tmp_path, "intro\n\n```yaml\nidentity:\n\tname: Ada\n```\n")

    assert error.details["line"] == 5
    assert "tabs" in error.hint


def test_error_block_is_list(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nidentity: {}\n```\n\ntext\n\n```yaml\n- ~/src/web\n- ~/src/api\n```\n")

    assert error.message.endswith("PIPER.user.md:8: this YAML block is a list, but a settings block must contain keys.")
    assert "identity:" in error.hint


def test_error_block_is_scalar(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\n\njust some words\n```\n")

    assert error.details["line"] == 3
    assert "is 'just some words'" in error.message


def test_error_key_twice_across_blocks(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        ```yaml
        identity:
          name: Ada
        ```

        ```yaml
        default_repository: acme/web
        identity:
          timezone: Europe/Berlin
        ```
        """,
    )

    assert error.message.endswith("PIPER.user.md:8: identity: defined twice, first at line 2.")
    assert error.details["line"] == 8
    assert error.details["key"] == "identity"


def test_error_key_twice_in_mapping(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nidentity:\n  name: Ada\n  github: ada\n  name: Ada L.\n```\n")

    assert error.message.endswith("PIPER.user.md:5: identity.name: defined twice in the same mapping, first at line 3.")


def test_error_key_not_text(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nidentity:\n  42: Ada\n```\n")

    assert error.details["line"] == 3
    assert "invalid key '42'" in error.message


def test_error_unsafe_tag_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nidentity:\n  name: !!python/object/apply:os.system [echo hi]\n```\n")

    assert error.details["line"] == 3
    assert "invalid YAML" in error.message


# --- Errors: keys and types -------------------------------------------------------


def test_error_unknown_key_suggests(tmp_path: Path) -> None:
    error = load_error(tmp_path, "# Me\n\n```yaml\nidentity:\n  name: Ada\n  timezon: Europe/Berlin\n```\n")

    assert error.message.endswith("PIPER.user.md:6: identity.timezon: unknown key.")
    assert error.hint.startswith("Did you mean 'timezone'? Valid keys under identity: ")
    assert error.details["key"] == "identity.timezon"


def test_error_unknown_top_level_key(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nrepository: acme/web\n```\n")

    assert error.message.endswith("PIPER.user.md:2: repository: unknown key.")
    assert "Did you mean 'repositories'?" in error.hint
    assert "at the top level" in error.hint


def test_error_internal_field_not_settable(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nsource_path: /etc/passwd\n```\n")

    assert error.message.endswith("PIPER.user.md:2: source_path: unknown key.")
    assert "source_path" not in error.hint


def test_error_unknown_key_in_list_item(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nscan:\n  - path: ~/src\n  - path: ~/work\n    dept: 2\n```\n")

    assert error.details["line"] == 5
    assert error.details["key"] == "scan[1].dept"
    assert error.hint.startswith("Did you mean 'depth'?")


def test_error_missing_required_key(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nscan:\n  - path: ~/src\n  - depth: 2\n```\n")

    assert error.message.endswith("PIPER.user.md:4: scan[1].path: the required key 'path' is missing.")
    assert error.hint == "Add 'path:' to this entry."


@pytest.mark.parametrize(
    ("snippet", "line", "key", "expected"),
    [
        ("identity:\n  emails: ada@example.com\n", 3, "identity.emails", "expected a list, got the text 'ada@example.com'."),
        ("identity: [Ada]\n", 2, "identity", "expected a mapping of keys, got a list."),
        ("identity:\n  name: [Ada, Lovelace]\n", 3, "identity.name", "expected text, got a list."),
        ("identity:\n  name: 1815\n", 3, "identity.name", "expected text, got 1815 (int)."),
        ("scan:\n  - path: ~/src\n    depth: deep\n", 4, "scan[0].depth", "expected a whole number, got the text 'deep'."),
        ("standup:\n  follow_links: maybe\n", 3, "standup.follow_links", "expected true or false, got the text 'maybe'."),
        ("standup:\n  format: html\n", 3, "standup.format", "invalid value 'html'."),
        ("repositories: ~/src/web\n", 2, "repositories", "expected a list, got the text '~/src/web'."),
    ],
)
def test_error_wrong_type(tmp_path: Path, snippet: str, line: int, key: str, expected: str) -> None:
    error = load_error(tmp_path, f"```yaml\n{snippet}```\n")

    assert error.message == f"{tmp_path / 'PIPER.user.md'}:{line}: {key}: {expected}"
    assert error.hint


# --- Errors: checked values --------------------------------------------------------


def test_error_unknown_timezone(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        # My settings

        Some words about me.

        ```yaml
        identity:
          name: Ada
          emails: [ada@example.com]
          github: ada
          workdays: Mon-Fri

          timezone: Europe/Berln
        ```
        """,
    )

    path = tmp_path / "PIPER.user.md"
    assert error.message == f"{path}:12: identity.timezone: unknown time zone 'Europe/Berln'."
    assert error.hint == "Use an IANA name such as Europe/Berlin."
    assert error.details == {
        "path": str(path),
        "line": 12,
        "key": "identity.timezone",
        "problems": [{"line": 12, "key": "identity.timezone", "message": error.message, "hint": error.hint}],
    }


def test_error_timezone_without_close_match(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nidentity:\n  timezone: Somewhere/Else/Entirely\n```\n")

    assert error.details["line"] == 3
    assert error.hint == "Use an IANA name such as Europe/Berlin."


def test_error_invalid_workdays(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nidentity:\n  workdays: Mon-Fry\n```\n")

    assert error.message.endswith("PIPER.user.md:3: identity.workdays: invalid work week 'Mon-Fry': unknown day 'Fry'.")
    assert error.hint == "Use day names such as Mon-Fri or Sun-Thu."


def test_workdays_forms_accepted(tmp_path: Path) -> None:
    for workdays in ("Mon-Fri", "Sun-Thu", "Mon,Tue,Thu", "monday-friday"):
        path = write_config(tmp_path, f"```yaml\nidentity:\n  workdays: {workdays}\n```\n")

        assert load_settings(path).identity.workdays == workdays


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("acme", "Write the repository as owner/name, such as acme/web."),
        ("acme/web/extra", "Write the repository as owner/name, such as acme/web."),
        ("https://github.com/acme/web", "Write only owner/name: acme/web."),
        ("git@github.com:acme/web.git", "Write only owner/name: acme/web."),
    ],
)
def test_error_invalid_default_repository(tmp_path: Path, value: str, hint: str) -> None:
    error = load_error(tmp_path, f"```yaml\n\ndefault_repository: {value}\n```\n")

    assert error.message.endswith(f"PIPER.user.md:3: default_repository: {value!r} is not an owner/name repository.")
    assert error.hint == hint


def test_default_repository_forms_accepted(tmp_path: Path) -> None:
    for value in ("acme/web", "octo-org/my.repo_name", "a/b"):
        path = write_config(tmp_path, f"```yaml\ndefault_repository: {value}\n```\n")

        assert load_settings(path).default_repository == value


def test_error_unknown_source(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nstandup:\n  sources:\n    - git\n    - gihub\n```\n")

    assert error.message.endswith("PIPER.user.md:5: standup.sources[1]: unknown standup source 'gihub'.")
    assert error.hint == "Did you mean 'github'? Sources are git, github, todos, calendar."


def test_error_negative_depth(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nscan:\n  - path: ~/src\n    depth: -1\n```\n")

    assert error.message.endswith("PIPER.user.md:4: scan[0].depth: the depth must be 0 or more, got -1.")
    assert error.hint.startswith("Use 0 to look only at the folder itself")


def test_error_zero_git_processes(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nstandup:\n  max_git_processes: 0\n```\n")

    assert error.details["line"] == 3
    assert error.details["key"] == "standup.max_git_processes"


@pytest.mark.parametrize(
    ("value", "hint_part"),
    [
        ("ada", "bare address"),
        ("'Ada <ada@example.com>'", "without the name and the angle brackets"),
        ("ada @example.com", "bare address"),
    ],
)
def test_error_invalid_email(tmp_path: Path, value: str, hint_part: str) -> None:
    error = load_error(tmp_path, f"```yaml\nidentity:\n  emails:\n    - ada@example.com\n    - {value}\n```\n")

    assert error.details["line"] == 5
    assert error.details["key"] == "identity.emails[1]"
    assert "is not an email address." in error.message
    assert hint_part in error.hint


def test_emails_forms_accepted(tmp_path: Path) -> None:
    emails = ["ada@example.com", "4412093+ada@users.noreply.github.com", "ada@laptop.local"]
    path = write_config(tmp_path, "```yaml\nidentity:\n  emails:\n" + "".join(f"    - {email}\n" for email in emails) + "```\n")

    assert load_settings(path).identity.emails == emails


def test_error_github_login_with_at(tmp_path: Path) -> None:
    error = load_error(tmp_path, "```yaml\nidentity:\n  github: '@octocat'\n```\n")

    assert error.details["line"] == 3
    assert error.hint == "Write the login without the @: octocat."


def test_errors_sorted_by_line(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        ```yaml
        standup:
          format: html
        ```

        ```yaml
        identity:
          timezone: Mars/Olympus
        scan:
          - path: ~/src
            depth: -2
        ```
        """,
    )

    problems = error.details["problems"]
    assert [problem["line"] for problem in problems] == [3, 8, 11]
    assert [problem["key"] for problem in problems] == ["standup.format", "identity.timezone", "scan[0].depth"]
    assert error.details["line"] == 3


def test_parse_settings_names_given_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings("```yaml\nidentity: 3\n```\n", path=Path("/somewhere/PIPER.user.md"))

    assert caught.value.message.startswith("/somewhere/PIPER.user.md:2: identity: ")
