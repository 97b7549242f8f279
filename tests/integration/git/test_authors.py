"""Whose commits count: names and emails, case-insensitive, after .mailmap or before it."""

from __future__ import annotations

import datetime as dt

from tests.gitrepo import ADA, GRACE, GitRepo
from tests.integration.git.conftest import IN_WINDOW, collect, make_request

OLD_ADA = ("Ada King", "ada@old.example.com")
LINUS = ("Linus", "linus@example.org")


def titles(result) -> list[str]:
    return [item.title for item in result.yesterday]


def build_team_repository(workspace) -> GitRepo:
    repo = GitRepo.init(workspace / "app")
    repo.commit(
        "Add mailmap",
        IN_WINDOW - dt.timedelta(hours=1),
        files={".mailmap": "Ada Lovelace <ada@example.com> Ada King <ada@old.example.com>\n"},
    )
    repo.commit("by Ada's old address", IN_WINDOW, author=OLD_ADA)
    repo.commit("by Grace", IN_WINDOW + dt.timedelta(hours=1), author=GRACE)
    repo.commit("by Linus", IN_WINDOW + dt.timedelta(hours=2), author=LINUS)
    return repo


async def test_authors_mailmap_maps_old_email(workspace):
    repo = build_team_repository(workspace)

    result = await collect(make_request(repos=[repo.path], authors=["ada@example.com"]))

    assert titles(result) == ["Add mailmap", "by Ada's old address"]


async def test_authors_mailmap_maps_old_name(workspace):
    repo = build_team_repository(workspace)

    result = await collect(make_request(repos=[repo.path], authors=["Ada Lovelace"]))

    assert titles(result) == ["Add mailmap", "by Ada's old address"]


async def test_authors_raw_identity_matches(workspace):
    repo = build_team_repository(workspace)

    by_raw_email = await collect(make_request(repos=[repo.path], authors=["ada@old.example.com"]))
    by_raw_name = await collect(make_request(repos=[repo.path], authors=["ada king"]))

    assert titles(by_raw_email) == ["by Ada's old address"]
    assert titles(by_raw_name) == ["by Ada's old address"]


async def test_authors_case_insensitive(workspace):
    repo = build_team_repository(workspace)

    result = await collect(make_request(repos=[repo.path], authors=["GRACE@Example.COM"]))

    assert titles(result) == ["by Grace"]


async def test_authors_several(workspace):
    repo = build_team_repository(workspace)

    result = await collect(make_request(repos=[repo.path], authors=["grace hopper", "linus@example.org"]))

    assert titles(result) == ["by Grace", "by Linus"]


async def test_authors_none_means_everyone(workspace):
    repo = build_team_repository(workspace)

    result = await collect(make_request(repos=[repo.path], authors=None))

    assert titles(result) == ["Add mailmap", "by Ada's old address", "by Grace", "by Linus"]


async def test_authors_no_partial_match(workspace):
    repo = build_team_repository(workspace)

    result = await collect(make_request(repos=[repo.path], authors=["example.com", "Ada"]))

    assert titles(result) == []


async def test_authors_name_and_email_entry(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("by Ada", IN_WINDOW, author=ADA)

    result = await collect(make_request(repos=[repo.path], authors=["Someone Else <ada@example.com>"]))

    assert titles(result) == ["by Ada"]
