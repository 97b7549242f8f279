"""Settings and the ``PIPER.user.md`` parser.

``PIPER.user.md`` is markdown with fenced YAML blocks (```` ```yaml ````).
Each block holds top-level keys; the blocks are merged in order and the
prose around them is documentation for people. ``config/PIPER.user.md`` in
the repository documents every key.

Every problem with the file raises :class:`~piper.errors.ConfigError` with a
message of the form ``FILE:LINE: KEY: problem`` and a hint on how to fix it.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from piper import paths
from piper.errors import ConfigError
from piper.standup.model import SOURCE_NAMES
from piper.yaml_blocks import KeyPath, YamlDocument, format_key_path, located_error, parse_yaml_blocks

logger = logging.getLogger(__name__)

StandupFormat = Literal["rich", "text", "markdown", "json", "slack"]

_INVALID = "piper_invalid_setting"
"""Error type of the checks below. Its context carries ``problem`` and ``hint``."""


def _invalid(problem: str, hint: str | None = None) -> PydanticCustomError:
    return PydanticCustomError(_INVALID, "{problem}", {"problem": problem, "hint": hint})


# --- Checks of single values -------------------------------------------------

# Loose on purpose: git accepts any text as an email, so this only catches
# values that are clearly something else (a name, "Name <address>", a login).
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")

# GitHub logins: letters, digits and single hyphens, at most 39 characters.
_GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")

# owner/name as GitHub allows them: the owner is a login, the name uses letters, digits, '.', '-' and '_'.
_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]+$")
_REPOSITORY_IN_URL = re.compile(r"github\.com[/:]([^/\s]+/[^/\s]+?)(?:\.git)?/?$")

_VARIABLE = re.compile(r"\$(?:(\w+)|\{([^}]*)\})")


def is_email(text: str) -> bool:
    """Return whether ``text`` looks like an email address (something@something, no spaces)."""
    return _EMAIL.match(text) is not None


def _check_email(value: str) -> str:
    if is_email(value):
        return value
    hint = "Write the bare address, such as ada@example.com."
    if "<" in value:
        hint = "Write only the address, without the name and the angle brackets: ada@example.com, not 'Ada <ada@example.com>'."
    raise _invalid(f"{value!r} is not an email address.", hint)


def _check_github_login(value: str) -> str:
    if _GITHUB_LOGIN.match(value):
        return value
    hint = "Use the login as it appears in your profile URL, such as octocat."
    if value.startswith("@"):
        hint = f"Write the login without the @: {value[1:]}."
    raise _invalid(f"{value!r} is not a GitHub login.", hint)


def _check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

    try:
        ZoneInfo(value)
        return value
    except (ZoneInfoNotFoundError, ValueError):
        pass

    matches = difflib.get_close_matches(value, sorted(available_timezones()), n=1)
    example = matches[0] if matches else "Europe/Berlin"
    raise _invalid(f"unknown time zone {value!r}.", f"Use an IANA name such as {example}.")


def _check_workdays(value: str) -> str:
    from piper.standup.window import parse_workdays

    try:
        parse_workdays(value)
    except ValueError as error:
        problem, hint = _split_hint(str(error))
        raise _invalid(problem, hint) from None
    return value


def _check_repository(value: str) -> str:
    if _REPOSITORY.match(value):
        return value
    hint = "Write the repository as owner/name, such as acme/web."
    in_url = _REPOSITORY_IN_URL.search(value)
    if in_url:
        hint = f"Write only owner/name: {in_url.group(1)}."
    raise _invalid(f"{value!r} is not an owner/name repository.", hint)


def _check_source(value: str) -> str:
    if value in SOURCE_NAMES:
        return value
    matches = difflib.get_close_matches(value, SOURCE_NAMES, n=1)
    suggestion = f"Did you mean '{matches[0]}'? " if matches else ""
    raise _invalid(f"unknown standup source {value!r}.", f"{suggestion}Sources are {', '.join(SOURCE_NAMES)}.")


def _check_depth(value: int) -> int:
    if value >= 0:
        return value
    raise _invalid(f"the depth must be 0 or more, got {value}.", "Use 0 to look only at the folder itself, 1 for its children, and so on.")


def _check_process_count(value: int) -> int:
    if value >= 1:
        return value
    raise _invalid(f"the number of git processes must be 1 or more, got {value}.", "Remove the key to let Piper choose.")


def _expand_path(value: Any, info: ValidationInfo) -> Any:
    """Expand ``~`` and ``$VARIABLES``, then resolve a relative path against the config file's folder.

    The folder comes from the validation context (``base_dir``). Without
    one, as for settings built in code, a relative path stays relative.
    """
    if not isinstance(value, str):
        return value
    if not value.strip():
        raise _invalid("the path is empty.", "Write a folder path such as ~/src/web, or remove the entry.")

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in os.environ:
            raise _invalid(f"the environment variable ${name} in {value!r} is not set.", f"Set {name} or write the path without it.")
        return os.environ[name]

    expanded = Path(os.path.expanduser(_VARIABLE.sub(substitute, value)))
    base_dir = (info.context or {}).get("base_dir")
    if base_dir is not None and not expanded.is_absolute():
        expanded = Path(base_dir) / expanded
    return expanded


def _split_hint(message: str) -> tuple[str, str | None]:
    """Split "problem. What to do." into its problem and its hint."""
    problem, separator, hint = message.rpartition(". ")
    if separator and hint[:1].isupper():
        return problem + ".", hint
    return message, None


Email = Annotated[str, AfterValidator(_check_email)]
GithubLogin = Annotated[str, AfterValidator(_check_github_login)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
Workdays = Annotated[str, AfterValidator(_check_workdays)]
RepositoryName = Annotated[str, AfterValidator(_check_repository)]
SourceName = Annotated[str, AfterValidator(_check_source)]
Depth = Annotated[int, AfterValidator(_check_depth)]
ProcessCount = Annotated[int, AfterValidator(_check_process_count)]
ConfigPath = Annotated[Path, BeforeValidator(_expand_path)]


# --- The settings --------------------------------------------------------------


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        # 'repositories:' with nothing after it is null in YAML. Treat it as "use the default"
        # for keys that have one and do not accept null; a required key keeps the null and fails.
        if not isinstance(data, dict):
            return data
        return {key: value for key, value in data.items() if value is not None or not _has_default_for_none(cls, key)}


def _has_default_for_none(model: type[BaseModel], key: str) -> bool:
    field = model.model_fields.get(key)
    if field is None or field.is_required():
        return False
    return type(None) not in get_args(field.annotation)


class Identity(_Section):
    """Who the user is, for matching commits and choosing the local time zone."""

    name: str | None = None
    emails: list[Email] = Field(default_factory=list)
    """Every email the user commits with; matched case-insensitively."""

    github: GithubLogin | None = None
    """GitHub login."""

    timezone: TimeZoneName | None = None
    """IANA time zone name such as ``Europe/Berlin``; None uses the system's (``TZ``)."""

    workdays: Workdays = "Mon-Fri"
    """The work week: a day range such as ``Mon-Fri`` or ``Sun-Thu``, or a list ``Mon,Tue,Thu``."""


class ScanRootSetting(_Section):
    """A folder below which the standup looks for git repositories."""

    path: ConfigPath
    depth: Depth = 3
    """Maximum folder levels below ``path`` to search. 0 checks only ``path`` itself."""


class StandupSettings(_Section):
    sources: list[SourceName] | None = None
    """Sources to use when ``--source`` is not given; None means every configured source."""

    format: StandupFormat | None = None
    authors: list[str] = Field(default_factory=list)
    """Extra names or emails counted as the user's own work (pair-programming aliases)."""

    follow_links: bool = False
    scan_nested: bool = False
    max_git_processes: ProcessCount | None = None


LLMProviderChoice = Literal["anthropic", "openai", "openai_compatible", "none"]


def _check_timeout(value: float) -> float:
    if value > 0:
        return value
    raise _invalid(f"the timeout must be more than 0 seconds, got {value}.", "Use a number of seconds such as 30.")


def _check_retry_count(value: int) -> int:
    if 0 <= value <= 10:
        return value
    raise _invalid(f"the number of retries must be between 0 and 10, got {value}.", "Use 0 to turn retries off, or a small number such as 2.")


def _check_server_url(value: str) -> str:
    if re.match(r"^https?://[^/\s]+", value):
        return value
    raise _invalid(f"{value!r} is not an http:// or https:// URL.", "Write the server's API URL, such as http://localhost:11434/v1 for Ollama.")


class LLMTaskSettings(_Section):
    """The provider and model that one task uses."""

    provider: LLMProviderChoice = "none"
    model: str | None = None
    base_url: Annotated[str, AfterValidator(_check_server_url)] | None = None
    """Server URL; None uses ``ANTHROPIC_BASE_URL`` or ``OPENAI_BASE_URL``, else the provider's own."""

    @model_validator(mode="after")
    def _model_named(self) -> LLMTaskSettings:
        if self.provider == "none" or (self.model and self.model.strip()):
            return self
        raise _invalid(f"the provider '{self.provider}' needs a model.", "Add 'model:' with the model's name, such as llama3.1 for Ollama.")


class LLMSettings(_Section):
    """LLM providers per task. Every task defaults to 'none', so nothing leaves the machine until a provider is named."""

    classification: LLMTaskSettings = Field(default_factory=LLMTaskSettings)
    conversation: LLMTaskSettings = Field(default_factory=LLMTaskSettings)
    drafting: LLMTaskSettings = Field(default_factory=LLMTaskSettings)
    timeout_seconds: Annotated[float, AfterValidator(_check_timeout)] = 30.0
    """Seconds one request may take before Piper gives up on it and maybe retries."""

    max_retries: Annotated[int, AfterValidator(_check_retry_count)] = 2
    """Retries after a timeout, a refused connection, HTTP 429 or HTTP 5xx."""


def _check_github_api_url(value: str) -> str:
    if re.match(r"^https?://[^/\s]+", value):
        return value
    raise _invalid(f"{value!r} is not an http:// or https:// URL.", "Write the REST API URL, such as https://ghe.example/api/v3 for GitHub Enterprise Server.")


class GitHubSettings(_Section):
    """The GitHub server, repositories and request pacing used by the GitHub commands and the standup's GitHub source."""

    api_url: Annotated[str, AfterValidator(_check_github_api_url)] | None = None
    """REST API base URL such as ``https://ghe.example/api/v3``; ``PIPER_GITHUB_API_URL`` overrides it, and None means https://api.github.com."""

    repositories: list[RepositoryName] = Field(default_factory=list)
    """``owner/name`` repositories the standup reads; empty means all of the user's activity."""

    idle_days: Annotated[int, Field(ge=1)] = 5
    """Days without an update after which an open issue or pull request is listed as "watch"."""

    timeout_seconds: Annotated[float, AfterValidator(_check_timeout)] = 15.0
    """Seconds one request may take before Piper gives up on it and maybe retries."""

    max_retries: Annotated[int, AfterValidator(_check_retry_count)] = 3
    """Retries after a timeout, a refused connection or HTTP 5xx (reads only; see the user guide)."""

    request_interval_seconds: Annotated[float, Field(ge=0)] = 0.25
    """Minimum pause between two requests, so a long listing does not trip GitHub's secondary rate limit."""

    write_interval_seconds: Annotated[float, Field(ge=0)] = 1.0
    """Minimum pause in seconds between two writes, because GitHub's REST API best practices recommend at least one second."""


PersonalityLevel = Literal["low", "medium", "high"]


class PersonalitySettings(_Section):
    """How Piper's replies read. The defaults keep replies plain and short."""

    warmth: PersonalityLevel = "medium"
    """How friendly the wording is: high adds a friendly line after a change."""

    confidence_display: Literal["hidden", "when_unsure", "always"] = "when_unsure"
    """When a reply shows how Piper read the message and how sure the classifier was."""

    action_orientation: PersonalityLevel = "medium"
    """How often a reply suggests a next step: high after any reply, medium after reads only, low never."""

    technical_depth: PersonalityLevel = "low"
    """How much detail a reply carries: high adds the workflow id and status."""


def _check_theme(value: str) -> str:
    from piper.tui.options import THEMES

    if value in THEMES:
        return value
    matches = difflib.get_close_matches(value, THEMES, n=1)
    suggestion = f"Did you mean '{matches[0]}'? " if matches else ""
    raise _invalid(f"unknown theme {value!r}.", f"{suggestion}Themes are {', '.join(THEMES)}.")


def _check_chat_keys(value: dict[str, str]) -> dict[str, str]:
    from piper.tui.options import ACTIONS, PANEL_ACTIONS, key_problem

    for action, key in value.items():
        if action not in ACTIONS:
            matches = difflib.get_close_matches(action, list(ACTIONS), n=1)
            suggestion = f"Did you mean '{matches[0]}'? " if matches else ""
            raise _invalid(f"unknown chat action {action!r}.", f"{suggestion}Actions are {', '.join(ACTIONS)}.")
        problem = key_problem(key)
        if problem is not None:
            raise _invalid(f"{action}: {problem}", "Write a key such as ctrl+n, f2 or escape.")

    # A key bound twice would run only one of its actions, so the clash is reported here.
    owners: dict[str, str] = {}
    for action, default in ACTIONS.items():
        if action in PANEL_ACTIONS:
            continue
        key = value.get(action, default.key)
        if key in owners:
            raise _invalid(f"{key!r} is bound to both {owners[key]} and {action}.", "Give each action its own key.")
        owners[key] = action
    return value


class ChatSettings(_Section):
    """The chat TUI (``piper chat``): its theme and keys."""

    theme: Annotated[str, AfterValidator(_check_theme)] = "textual-dark"
    """One of Textual's built-in themes."""

    keys: Annotated[dict[str, str], AfterValidator(_check_chat_keys)] = Field(default_factory=dict)
    """Action name to key, such as ``standup: f2``; actions left out keep their default keys."""


def _check_notion_id(value: str) -> str:
    from piper.integrations.notion.ids import INVALID_ID_HINT, parse_notion_id

    parsed = parse_notion_id(value)
    if parsed is None:
        raise _invalid(f"{value!r} is not a Notion page ID or page URL.", INVALID_ID_HINT)
    return parsed


class NotionSettings(_Section):
    """The default parent page of ``piper notion publish`` and the chat, and Notion's time limits and retries."""

    default_parent: Annotated[str, AfterValidator(_check_notion_id)] | None = None
    """Page under which new pages go when no ``--parent`` or ``--database`` is given: an ID or a page URL."""

    timeout_seconds: Annotated[float, AfterValidator(_check_timeout)] = 30.0
    """Seconds one request to Notion may take."""

    max_retries: Annotated[int, AfterValidator(_check_retry_count)] = 3
    """Retries after a timeout, a refused connection, HTTP 409, 429 or 5xx."""


def _check_calendar_url(value: str) -> str:
    if re.match(r"^(?:https?|webcals?)://[^/\s]+", value, re.IGNORECASE):
        return value
    raise _invalid(
        f"{value!r} is not an http://, https:// or webcal:// URL.",
        "Copy the calendar's iCal address (it usually ends in .ics), or use 'path:' for a file.",
    )


def _check_calendar_name(value: str) -> str:
    if value.strip():
        return value.strip()
    raise _invalid("the calendar name is empty.", "Name the calendar, such as Work; the name appears in errors and in the chat.")


class CalendarSetting(_Section):
    """One calendar: an ``.ics`` file or an iCal URL. A missing file is reported when the calendar is read."""

    name: Annotated[str, AfterValidator(_check_calendar_name)]
    path: ConfigPath | None = None
    url: Annotated[str, AfterValidator(_check_calendar_url)] | None = None
    """``http://``, ``https://`` or ``webcal://`` (read as ``https://``)."""

    enabled: bool = True
    """False keeps the entry in the file but leaves the calendar out of the standup and the chat."""

    @field_serializer("url")
    def _hide_url_path(self, url: str | None) -> str | None:
        # A subscription URL's path often carries a secret token, so 'piper config show' prints only the host.
        from piper.integrations.calendar import display_url

        return display_url(url) if url else url

    @model_validator(mode="after")
    def _one_location(self) -> CalendarSetting:
        if (self.path is None) == (self.url is None):
            problem = "has both 'path' and 'url'." if self.path is not None else "has neither 'path' nor 'url'."
            raise _invalid(f"the calendar {self.name!r} {problem}", "Give exactly one: 'path:' for an .ics file or 'url:' for an iCal address.")
        return self


def _check_calendar_names(calendars: list[CalendarSetting]) -> list[CalendarSetting]:
    seen: set[str] = set()
    for calendar in calendars:
        key = calendar.name.casefold()
        if key in seen:
            raise _invalid(f"two calendars are named {calendar.name!r}.", "Give each calendar its own name.")
        seen.add(key)
    return calendars


class DocumentsSettings(_Section):
    """Limits and defaults for reading files into the knowledge base and searching it with ``piper docs``."""

    max_file_size_mb: Annotated[float, Field(gt=0)] = 20.0
    """Files larger than this, in megabytes (MiB), are skipped when added."""

    follow_links: bool = False
    """Follow symbolic links that point outside an added folder, as ``--follow-links`` does."""

    search_results: Annotated[int, Field(ge=1, le=100)] = 5
    """Passages that search and ask use when no ``-k`` is given."""

    summary_sentences: Annotated[int, Field(ge=1, le=50)] = 5
    """Sentences in an extractive summary, the one made without an LLM."""


_SLACK_CHANNEL = re.compile(r"^(?:#?[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,})$")


def _check_slack_channel(value: str) -> str:
    if _SLACK_CHANNEL.match(value):
        return value
    raise _invalid(f"{value!r} is not a Slack channel.", "Write a channel name such as '#team-standup' (quoted, since # starts a YAML comment) or an id such as C0123ABCD.")


class SlackSettings(_Section):
    """The default Slack channel, and Slack's time limits and retries."""

    default_channel: Annotated[str, AfterValidator(_check_slack_channel)] | None = None
    """Channel for ``--post slack`` without a channel and for chat posts that name none: ``#name`` or an id."""

    timeout_seconds: Annotated[float, AfterValidator(_check_timeout)] = 10.0
    """Seconds one request to Slack may take."""

    max_retries: Annotated[int, AfterValidator(_check_retry_count)] = 3
    """Retries after HTTP 429, HTTP 5xx, a timeout or a dropped connection."""

    max_retry_wait_seconds: Annotated[float, Field(ge=0)] = 30.0
    """Longest ``Retry-After`` wait Piper accepts; Slack asking for longer fails the request at once."""


class Settings(_Section):
    identity: Identity = Field(default_factory=Identity)
    repositories: list[ConfigPath] = Field(default_factory=list)
    scan: list[ScanRootSetting] = Field(default_factory=list)
    default_repository: RepositoryName | None = None
    """``owner/name`` used when a GitHub command gets no ``--repo``."""

    standup: StandupSettings = Field(default_factory=StandupSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    personality: PersonalitySettings = Field(default_factory=PersonalitySettings)
    calendars: Annotated[list[CalendarSetting], AfterValidator(_check_calendar_names)] = Field(default_factory=list)
    """Calendars read for the standup's today section and for questions such as "am I free at 3?"."""
    notion: NotionSettings = Field(default_factory=NotionSettings)
    chat: ChatSettings = Field(default_factory=ChatSettings)
    github: GitHubSettings = Field(default_factory=GitHubSettings)
    documents: DocumentsSettings = Field(default_factory=DocumentsSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)

    source_path: Path | None = Field(default=None, exclude=True)
    """The file these settings were read from, or None for built-in defaults."""

    key_lines: dict[str, int] = Field(default_factory=dict, exclude=True)
    """Line in ``source_path`` where each top-level key is set. Keys left at their default are absent."""


_INTERNAL_FIELDS = frozenset({"source_path", "key_lines"})
"""Fields that record where settings came from; the file cannot set them."""


# --- Reading the file ------------------------------------------------------------


def load_settings(path: Path | None = None) -> Settings:
    """Read settings from ``path`` (default: the user's ``PIPER.user.md``).

    A missing file gives the built-in defaults with ``source_path`` None.

    Raises:
        ConfigError: The file cannot be read, is not UTF-8, or contains an
            invalid setting. The message names the file and the line.
    """
    path = paths.user_config_path() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        logger.debug("no configuration file at %s, using the defaults", path)
        return Settings()
    except IsADirectoryError:
        raise located_error(path, None, "is a folder, not a file.", hint="Move the folder away or pass the path of the PIPER.user.md file.") from None
    except OSError as error:
        raise located_error(path, None, f"cannot be read: {error.strerror}.", hint="Check the file's permissions.") from None

    try:
        # utf-8-sig drops the byte order mark some Windows editors write.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise located_error(
            path,
            line,
            f"the file is not valid UTF-8 (byte 0x{raw[error.start]:02x} cannot be decoded).",
            hint="Save the file with UTF-8 encoding.",
        ) from None

    settings = parse_settings(text, path=path)
    logger.debug("read settings from %s", path)
    return settings


def parse_settings(text: str, *, path: Path) -> Settings:
    """Parse the markdown ``text`` of a settings file that lives at ``path``.

    ``path`` names the file in error messages, and relative paths in the
    settings resolve against its folder.

    Raises:
        ConfigError: The YAML is invalid or a setting is unknown or invalid.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    document = parse_yaml_blocks(text, path=path)
    if not document.lines:
        logger.warning("%s contains no ```yaml blocks, so Piper uses the default settings", path)

    for key in document.data:
        if key in _INTERNAL_FIELDS:
            raise _unknown_key_error(path, document, (key,))

    base_dir = path.absolute().parent
    try:
        settings = Settings.model_validate(document.data, context={"base_dir": base_dir})
    except ValidationError as error:
        raise _validation_error(path, document, error) from None

    settings.source_path = path
    settings.key_lines = {key: document.lines[(key,)] for key in document.data}
    return settings


# --- Turning validation errors into messages -------------------------------------


def _validation_error(path: Path, document: YamlDocument, error: ValidationError) -> ConfigError:
    """Build a ConfigError for the first problem in file order, with every problem in its details."""
    problems = []
    for detail in error.errors(include_url=False):
        location = _clean_location(detail["loc"])
        if detail["type"] == "extra_forbidden":
            problems.append(_unknown_key_error(path, document, location))
            continue
        problem, hint = _describe(detail)
        problems.append(located_error(path, document.line_of(location), problem, key=format_key_path(location) or None, hint=hint))

    problems.sort(key=lambda problem: problem.details.get("line") or 0)
    first = problems[0]
    first.details["problems"] = [
        {"line": problem.details.get("line"), "key": problem.details.get("key"), "message": problem.message, "hint": problem.hint}
        for problem in problems
    ]
    return first


def _clean_location(location: tuple[str | int, ...]) -> KeyPath:
    # Pydantic adds validator and union-member names such as 'function-after[...]' to a location.
    return tuple(part for part in location if isinstance(part, int) or not ("[" in part or "]" in part))


def _unknown_key_error(path: Path, document: YamlDocument, location: KeyPath) -> ConfigError:
    """Build the error for an unknown key, suggesting the closest valid one."""
    section = format_key_path(location[:-1])
    valid = sorted(_keys_of(_model_at(location[:-1])) - _INTERNAL_FIELDS)
    key = str(location[-1])
    matches = difflib.get_close_matches(key, valid, n=1)

    place = f"under {section}" if section else "at the top level"
    hint = f"Valid keys {place}: {', '.join(valid)}."
    if matches:
        hint = f"Did you mean '{matches[0]}'? " + hint
    return located_error(path, document.line_of(location), "unknown key.", key=format_key_path(location), hint=hint)


def _model_at(location: KeyPath) -> type[BaseModel]:
    """Return the settings model that describes the mapping at ``location``."""
    model: Any = Settings
    for part in location:
        if isinstance(part, str):
            model = model.model_fields[part].annotation
        model = _unwrap(model)
    return model


def _unwrap(annotation: Any) -> Any:
    """Strip ``Optional``, ``list[...]`` and ``Annotated`` down to the model or value type."""
    while True:
        arguments = [argument for argument in get_args(annotation) if argument is not type(None)]
        if get_origin(annotation) is None or not arguments:
            return annotation
        annotation = arguments[0]


def _keys_of(model: Any) -> set[str]:
    return set(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else set()


_EXPECTED = {
    "string_type": ("text", "Put the value in quotes."),
    "list_type": ("a list", "Write a list such as [a, b], or one '- item' per line below the key."),
    "model_type": ("a mapping of keys", "Write the keys indented below this one, one 'key: value' per line."),
    "model_attributes_type": ("a mapping of keys", "Write the keys indented below this one, one 'key: value' per line."),
    "dict_type": ("a mapping of keys", "Write the keys indented below this one, one 'key: value' per line."),
    "int_type": ("a whole number", "Use a whole number such as 3."),
    "int_parsing": ("a whole number", "Use a whole number such as 3."),
    "int_from_float": ("a whole number", "Use a whole number such as 3."),
    "float_type": ("a number", "Use a number such as 30 or 2.5."),
    "float_parsing": ("a number", "Use a number such as 30 or 2.5."),
    "bool_type": ("true or false", "Use true or false."),
    "bool_parsing": ("true or false", "Use true or false."),
    "path_type": ("a path", "Write a path such as ~/src/web. YAML reads a lone ~ as an empty value, so write '~' in quotes for your home folder."),
}


def _describe(detail: Any) -> tuple[str, str | None]:
    """Return the problem and the hint for one pydantic error."""
    kind = detail["type"]
    if kind == _INVALID:
        return detail["ctx"]["problem"], detail["ctx"]["hint"]
    if kind == "missing":
        field = detail["loc"][-1]
        return f"the required key '{field}' is missing.", f"Add '{field}:' to this entry."
    if kind == "literal_error":
        return f"invalid value {detail['input']!r}.", f"Use one of {detail['ctx']['expected']}."
    if kind in _EXPECTED:
        expected, hint = _EXPECTED[kind]
        return f"expected {expected}, got {_describe_value(detail['input'])}.", hint
    return f"{detail['msg'][:1].lower()}{detail['msg'][1:]}, got {_describe_value(detail['input'])}.", None


def _describe_value(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{value!r} ({type(value).__name__})"
