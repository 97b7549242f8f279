"""Pull the entities of a message: repository, issue number, channel, date, title, todo, project, document, query, text.

Extraction is pattern based and independent of the classifier, except that
the free-text entities (title, todo, document, query, text) depend on the
action: the text after "todo to" is a todo, the text after "search for" a
query, the text after "saying" the message to post.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from piper.domain.intent import Action
from piper.intent.dates import resolve_date

# owner/name as GitHub allows it; the look-arounds skip paths (a/b/c), URLs and dates such as 12/05.
REPOSITORY = re.compile(r"(?<![\w./-])([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})(?![\w/])")
ISSUE_NUMBER = re.compile(
    r"(?:#(\d{1,7})\b)|\b(?:issue|issues|ticket|bug|pr|pull request|pull|task)\s+(?:number\s+|no\.?\s*)?#?(\d{1,7})\b",
    re.IGNORECASE,
)
CHANNEL = re.compile(r"(?<![\w&])#([a-z][a-z0-9_-]{0,79})\b", re.IGNORECASE)
QUOTED = re.compile(r"\"([^\"]+)\"|(?<![\w])'([^']+)'(?![\w])")
# Absolute (/tmp/a.md), home (~/a.md) and relative (./a.md, docs/a.md) paths match whole, so
# "/tmp/launch-plan.md" is not cut down to "plan.md".
DOCUMENT_PATH = re.compile(
    r"(?<![\w/.~-])((?:~|\.\.?)?/?(?:[\w.-]+/)*[\w.-]+\.(?:md|markdown|txt|pdf|docx?|rst|html?|csv))\b", re.IGNORECASE
)
_NOT_REPOSITORIES = {"and/or", "either/or", "n/a", "w/o", "i/o", "yes/no", "on/off", "24/7"}

_CREATE_TODO_LEAD = re.compile(
    r"^(?:(?:please|pls|can you|could you|would you|will you)\s+)*(?:"
    r"remind me\b.*?\bto|remember to|don't (?:let me )?forget(?: to)?|make a note to|note to self:?"
    r"|(?:add|create|make|new|put)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:(?:high|low|medium|urgent)[- ]priority\s+)?"
    r"(?:todo|to-do|task|reminder)?\s*(?::|to\b|for\b|about\b)?"
    r"|(?:todo|to-do|task|new todo|new task)\s*:"
    r"|i (?:need|have|must|should) to|i must"
    r")\s*",
    re.IGNORECASE,
)
_CHANGE_TODO_LEAD = re.compile(
    r"^(?:please\s+)?(?:i(?:'ve| have)?\s+(?:just\s+|already\s+)?)?(?:"
    r"mark|check off|tick off|cross off|complete|completed|finished|finish|done with|done:|"
    r"delete|remove|drop|get rid of|trash|scrap|scratch|clear|erase|cancel|take"
    r")\s+(?:the\s+|my\s+)?",
    re.IGNORECASE,
)
_TODO_TAIL = re.compile(
    r"(?:\s*,.*$)"
    r"|\s+(?:to|on|from|off)\s+(?:my|the)\s+(?:todo|to-do|task)?\s*(?:list|todos|tasks)\s*$"
    r"|\s+(?:as\s+)?(?:done|complete|completed|finished)\s*$"
    r"|\s+(?:is|are)\s+(?:done|complete|finished|no longer needed)\s*$"
    r"|\s+(?:todo|to-do|task|reminder)\s*$"
    r"|\s+(?:by|on|before|until)\s+(?:today|tonight|tomorrow|next\s+\w+|this\s+\w+|\w+day|\d{4}-\d{2}-\d{2})\s*$"
    r"|\s+(?:today|tonight|tomorrow|next\s+week)\s*$",
    re.IGNORECASE,
)
_TITLE_LEAD = re.compile(r"\b(?:about|titled|called|named|for|that|:)\s+(.+)$", re.IGNORECASE)
_QUERY_LEAD = re.compile(r"\b(?:for|about|on|mentioning|mentions|regarding)\s+(.+)$", re.IGNORECASE)
_DOCUMENT_LEAD = re.compile(
    r"\b(?:summari[sz]e|analy[sz]e|review|publish|sum up|recap|condense|critique|of|the)\s+(?:the\s+)?(.+?)(?:\s+(?:doc|document|notes|file|page|to notion))?\s*$",
    re.IGNORECASE,
)

# The words of a chat message come after an explicit marker: "saying ...", "#channel: ...",
# "post to slack: ...", "in #eng that ...", "tell #design ...". Without one, Piper asks for the text
# rather than post the whole request.
_MESSAGE_LEADS = (
    re.compile(r"\b(?:saying|that says|which says|to say|reading|that reads)\s*:?\s+(.+)$", re.IGNORECASE),
    re.compile(r"#[a-z][a-z0-9_-]*\s*:\s*(.+)$", re.IGNORECASE),
    re.compile(r"^(?:please\s+)?(?:post|send|write|share|slack|message|announce)\b[^:]*?:\s+(.+)$", re.IGNORECASE),
    re.compile(r"#[a-z][a-z0-9_-]*\s+(?:know\s+)?that\s+(.+)$", re.IGNORECASE),
    re.compile(r"^(?:please\s+)?tell\s+#[a-z][a-z0-9_-]*\s+(?!about\b)(.+)$", re.IGNORECASE),
)

_TODO_ACTIONS = {Action.CREATE_TODO, Action.COMPLETE_TODO, Action.DELETE_TODO}
_DOCUMENT_ACTIONS = {Action.SUMMARIZE_DOCUMENT, Action.ANALYZE_DOCUMENT, Action.PUBLISH_DOCUMENT}


def extract_entities(
    text: str,
    action: Action,
    *,
    known_projects: Sequence[str] = (),
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Return the entities found in ``text``, keyed by the names of the ``piper classify`` output.

    ``known_projects`` are the project names to look for (matched whole-word,
    case-insensitively, longest first); ``today`` anchors relative dates and
    defaults to the system date.
    """
    entities: dict[str, Any] = {}

    repository = find_repository(text)
    if repository:
        entities["repository"] = repository

    issue_number = find_issue_number(text)
    # "task 3" in a todo message is a todo id, not an issue number.
    if issue_number is not None and action not in _TODO_ACTIONS:
        entities["issue_number"] = issue_number

    channel = find_channel(text)
    if channel:
        entities["channel"] = channel

    project = find_project(text, known_projects)
    if project is None and action is Action.CREATE_PROJECT:
        project = find_new_project_name(text)
    if project:
        entities["project"] = project

    date = resolve_date(text, today or dt.date.today())
    if date is not None:
        entities["date"] = date.isoformat()

    quoted = find_quoted(text)
    # A quoted phrase in a chat request is the message itself, which goes into "text" instead.
    if quoted and action is not Action.POST_MESSAGE:
        entities["title"] = quoted

    entities.update(_free_text_entities(text, action, quoted))
    # A date inside the message ("saying we ship Friday") is part of what is posted, not a detail of the post.
    if "date" in entities and "text" in entities and resolve_date(entities["text"], today or dt.date.today()) is not None:
        del entities["date"]
    return entities


def find_repository(text: str) -> str | None:
    for match in REPOSITORY.finditer(text):
        candidate = f"{match.group(1)}/{match.group(2)}".rstrip(".")
        if candidate.lower() in _NOT_REPOSITORIES or match.group(1).isdigit():
            continue
        # docs/sales.csv is a file, not a repository.
        if DOCUMENT_PATH.fullmatch(candidate):
            continue
        return candidate
    return None


def find_issue_number(text: str) -> int | None:
    match = ISSUE_NUMBER.search(text)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def find_channel(text: str) -> str | None:
    match = CHANNEL.search(text)
    return f"#{match.group(1)}" if match else None


def find_quoted(text: str) -> str | None:
    match = QUOTED.search(text)
    if not match:
        return None
    value = (match.group(1) or match.group(2)).strip()
    return value or None


def find_project(text: str, known_projects: Sequence[str]) -> str | None:
    """Return the known project named in the text, preferring the longest name ("Atlas Web" over "Atlas")."""
    for name in sorted(known_projects, key=len, reverse=True):
        if name and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.IGNORECASE):
            return name
    return None


_NEW_PROJECT = re.compile(
    r"\bproject\s+(?:(?:called|named|titled)\s+)?[\"'\u201c]?(?P<name>[^\"'\u201d.!?,;]+?)[\"'\u201d]?\s*[.!?]*$",
    re.IGNORECASE,
)
_NOT_PROJECT_NAMES = frozenset({"for", "about", "to", "please", "now", "today"})


def find_new_project_name(text: str) -> str | None:
    """Return the name in "create a project called Helios" or "new project Atlas Web", else None.

    Only the words after "project" count, so "set up a project for the launch" gives no name.
    """
    match = _NEW_PROJECT.search(text.strip())
    if not match:
        return None
    name = match.group("name").strip()
    first_word = name.split()[0].casefold() if name.split() else ""
    if not name or first_word in _NOT_PROJECT_NAMES or len(name) > 60:
        return None
    return name


def _free_text_entities(text: str, action: Action, quoted: str | None) -> dict[str, Any]:
    entities: dict[str, Any] = {}

    if action in _TODO_ACTIONS:
        todo = quoted or _todo_text(text, action)
        if todo:
            entities["todo"] = todo

    elif action is Action.CREATE_ISSUE and not quoted:
        title = _after(_TITLE_LEAD, text)
        if title:
            entities["title"] = title

    elif action is Action.SEARCH_DOCUMENTS:
        query = quoted or _after(_QUERY_LEAD, text)
        if query:
            entities["query"] = query

    elif action is Action.POST_MESSAGE:
        message = _message_text(text)
        if message:
            entities["text"] = message

    elif action in _DOCUMENT_ACTIONS:
        path = DOCUMENT_PATH.search(text)
        document = path.group(1) if path else (quoted or _after(_DOCUMENT_LEAD, text))
        if document:
            entities["document"] = document

    return entities


def _todo_text(text: str, action: Action) -> str | None:
    """Return the todo's text for a new todo, else the todo it refers to (an id or words from its text)."""
    id_match = re.search(r"\b(?:todo|task)\s*#?(\d+)\b", text, re.IGNORECASE)
    if id_match and action is not Action.CREATE_TODO:
        return id_match.group(1)

    lead = _CREATE_TODO_LEAD if action is Action.CREATE_TODO else _CHANGE_TODO_LEAD
    body = lead.sub("", text, count=1).strip(" .!?:-")
    # Trailing parts come off one at a time: "the deck todo, not needed anymore" -> "the deck todo" -> "the deck".
    for _ in range(3):
        shorter = _TODO_TAIL.sub("", body).strip(" .!?:-")
        if shorter == body:
            break
        body = shorter
    body = re.sub(r"^(?:the|my|a|an)\s+", "", body, flags=re.IGNORECASE)
    return body or None


def _message_text(text: str) -> str | None:
    """Return the words to post from "post to #general: we ship Friday" or "post 'we ship' in #eng", else None.

    The words after a marker win over a quoted phrase inside them ("#eng: the 'beta' flag is on"),
    but a marker inside a quoted phrase ("post 'note: done' to #eng") belongs to the message.
    """
    text = text.strip()
    quote = QUOTED.search(text)
    for pattern in _MESSAGE_LEADS:
        match = pattern.search(text)
        if not match:
            continue
        if quote and quote.start() < match.start(1) < quote.end():
            break
        message = match.group(1).strip()
        if len(message) >= 2 and message[0] == message[-1] and message[0] in "\"'":
            message = message[1:-1].strip()
        return message or None
    return find_quoted(text)


def _after(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    if not match:
        return None
    value = match.group(1).strip(" .!?")
    return value or None
