"""Entity extraction: keys and value types as `piper classify` prints them."""

from __future__ import annotations

import datetime as dt

import pytest

from piper.domain.intent import Action
from piper.intent.dates import resolve_date
from piper.intent.entities import extract_entities, find_new_project_name

FRIDAY = dt.date(2026, 12, 4)
WEDNESDAY = dt.date(2026, 12, 2)


def test_entities_repository_and_issue() -> None:
    entities = extract_entities("comment on #42 in acme/web", Action.COMMENT_ISSUE, today=FRIDAY)

    assert entities["repository"] == "acme/web"
    assert entities["issue_number"] == 42
    assert isinstance(entities["issue_number"], int)


@pytest.mark.parametrize("text", ["use it and/or that", "the 12/05 meeting", "see docs/specs/a.md", "https://github.com/acme/web/pull/3"])
def test_entities_skip_non_repositories(text: str) -> None:
    assert "repository" not in extract_entities(text, Action.UNKNOWN, today=FRIDAY)


def test_entities_issue_words() -> None:
    assert extract_entities("show ticket 88", Action.GET_ISSUE, today=FRIDAY)["issue_number"] == 88
    assert extract_entities("what about issue #7", Action.GET_ISSUE, today=FRIDAY)["issue_number"] == 7


def test_entities_channel_not_issue() -> None:
    entities = extract_entities("post in #eng-alerts that #42 is fixed", Action.POST_MESSAGE, today=FRIDAY)

    assert entities["channel"] == "#eng-alerts"
    assert entities["issue_number"] == 42


def test_entities_known_project_longest() -> None:
    entities = extract_entities(
        "what's blocking atlas web?", Action.ANALYZE_BLOCKERS, known_projects=["Atlas", "Atlas Web"], today=FRIDAY
    )

    assert entities["project"] == "Atlas Web"


def test_entities_unknown_project_absent() -> None:
    assert "project" not in extract_entities("how is zephyr going", Action.GET_PROJECT_STATUS, known_projects=["Atlas"])


def test_entities_quoted_title() -> None:
    entities = extract_entities('create an issue titled "Export drops rows" in acme/web', Action.CREATE_ISSUE, today=FRIDAY)

    assert entities["title"] == "Export drops rows"


def test_entities_unquoted_issue_title() -> None:
    entities = extract_entities("file a bug in acme/web about the broken export", Action.CREATE_ISSUE, today=FRIDAY)

    assert entities["title"] == "the broken export"


@pytest.mark.parametrize(
    ("text", "action", "todo"),
    [
        ("add a todo to review the Q3 roadmap", Action.CREATE_TODO, "review the Q3 roadmap"),
        ("remind me next monday to send the recap", Action.CREATE_TODO, "send the recap"),
        ("i need to review the contract by friday", Action.CREATE_TODO, "review the contract"),
        ("add follow up with acme to my tasks", Action.CREATE_TODO, "follow up with acme"),
        ("mark the roadmap todo as done", Action.COMPLETE_TODO, "roadmap"),
        ("delete the deck todo, not needed anymore", Action.DELETE_TODO, "deck"),
        ("remove todo 12", Action.DELETE_TODO, "12"),
    ],
)
def test_entities_todo_text(text: str, action: Action, todo: str) -> None:
    assert extract_entities(text, action, today=FRIDAY)["todo"] == todo


def test_entities_todo_id_not_issue() -> None:
    assert "issue_number" not in extract_entities("complete task 3", Action.COMPLETE_TODO, today=FRIDAY)


def test_entities_search_query() -> None:
    entities = extract_entities("search the docs for onboarding friction", Action.SEARCH_DOCUMENTS, today=FRIDAY)

    assert entities["query"] == "onboarding friction"


def test_entities_document_path() -> None:
    entities = extract_entities("summarize docs/roadmap.md please", Action.SUMMARIZE_DOCUMENT, today=FRIDAY)

    assert entities["document"] == "docs/roadmap.md"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("publish /tmp/launch-plan.md to notion", "/tmp/launch-plan.md"),
        ("publish ~/docs/q3-plan.md to notion", "~/docs/q3-plan.md"),
        ("publish ./notes/retro.md", "./notes/retro.md"),
        ("publish ../shared/prd-v2.docx", "../shared/prd-v2.docx"),
    ],
)
def test_entities_document_path_keeps_the_whole_path(text: str, expected: str) -> None:
    entities = extract_entities(text, Action.PUBLISH_DOCUMENT, today=FRIDAY)

    assert entities["document"] == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("due today", FRIDAY, "2026-12-04"),
        ("tomorrow", FRIDAY, "2026-12-05"),
        ("yesterday", FRIDAY, "2026-12-03"),
        ("on friday", FRIDAY, "2026-12-04"),
        ("friday", WEDNESDAY, "2026-12-04"),
        ("by thu", WEDNESDAY, "2026-12-03"),
        ("next monday", WEDNESDAY, "2026-12-07"),
        ("next friday", WEDNESDAY, "2026-12-11"),
        ("last monday", WEDNESDAY, "2026-11-30"),
        ("next week", WEDNESDAY, "2026-12-07"),
        ("on 2027-01-15", FRIDAY, "2027-01-15"),
    ],
)
def test_resolve_date_cases(text: str, today: dt.date, expected: str) -> None:
    resolved = resolve_date(text, today)

    assert resolved is not None
    assert resolved.isoformat() == expected


def test_resolve_date_none() -> None:
    assert resolve_date("show my todos", FRIDAY) is None
    assert resolve_date("on 2026-02-30", FRIDAY) is None


def test_entities_date_uses_now_zone() -> None:
    entities = extract_entities("what's on my calendar tomorrow", Action.GET_CALENDAR, today=dt.date(2026, 12, 31))

    assert entities["date"] == "2027-01-01"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("start a new project called Helios", "Helios"),
        ("create project Atlas", "Atlas"),
        ('new project "Atlas Web"', "Atlas Web"),
        ("create a project named Q3 Pricing.", "Q3 Pricing"),
        ("set up a project for the launch", None),
        ("add a project", None),
    ],
)
def test_new_project_name(text: str, name: str | None) -> None:
    assert find_new_project_name(text) == name


def test_classify_json_hides_internal_entities() -> None:
    from piper.domain.intent import ClassifierName, Intent

    intent = Intent.of(Action.POST_MESSAGE, 0.9, ClassifierName.RULES, {"channel": "#launch", "text": "we ship Friday"})

    assert intent.to_json()["entities"] == {"channel": "#launch"}
    assert intent.entities["text"] == "we ship Friday"


def test_document_path_is_no_repository() -> None:
    entities = extract_entities("analyze docs/sales.csv", Action.ANALYZE_DOCUMENT, today=FRIDAY)

    assert "repository" not in entities
    assert entities["document"] == "docs/sales.csv"
