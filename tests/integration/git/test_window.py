"""Which commits fall in the window: author date, compared as instants, with a committer-date margin."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.gitrepo import GRACE, GitRepo
from tests.integration.git.conftest import BEFORE_WINDOW, BERLIN, IN_WINDOW, SINCE, UNTIL, collect, make_request

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")


def titles(result) -> list[str]:
    return [item.title for item in result.yesterday]


async def test_window_uses_author_date(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("before the window", BEFORE_WINDOW)
    repo.commit("rebased into the window", BEFORE_WINDOW, committed_at=IN_WINDOW)
    repo.commit("authored in the window", IN_WINDOW)
    repo.commit("committed after the window", IN_WINDOW, committed_at=UNTIL + dt.timedelta(days=2))

    result = await collect(make_request(repos=[repo.path]))

    assert result.status == "ok"
    assert titles(result) == ["authored in the window", "committed after the window"]


async def test_window_bounds_since_inclusive_until_exclusive(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("one second before since", SINCE - dt.timedelta(seconds=1))
    repo.commit("exactly at since", SINCE)
    repo.commit("one second before until", UNTIL - dt.timedelta(seconds=1))
    repo.commit("exactly at until", UNTIL)

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["exactly at since", "one second before until"]


async def test_window_compares_instants_across_zones(workspace):
    repo = GitRepo.init(workspace / "app")
    # 23:30 on Thursday in Los Angeles is 08:30 on Friday in Berlin: inside.
    repo.commit("late in Los Angeles", dt.datetime(2026, 3, 5, 23, 30, tzinfo=LOS_ANGELES))
    # 07:30 on Friday in Tokyo is 23:30 on Thursday in Berlin: outside, although the local date is Friday.
    repo.commit("early in Tokyo", dt.datetime(2026, 3, 6, 7, 30, tzinfo=TOKYO))
    # 16:30 on Monday in Tokyo is 08:30 on Monday in Berlin: inside.
    repo.commit("Monday in Tokyo", dt.datetime(2026, 3, 9, 16, 30, tzinfo=TOKYO))

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["late in Los Angeles", "Monday in Tokyo"]


async def test_window_monday_includes_weekend(workspace):
    repo = GitRepo.init(workspace / "app")
    repo.commit("Thursday", dt.datetime(2026, 3, 5, 17, 0, tzinfo=BERLIN))
    repo.commit("Friday", dt.datetime(2026, 3, 6, 17, 0, tzinfo=BERLIN))
    repo.commit("Saturday", dt.datetime(2026, 3, 7, 11, 0, tzinfo=BERLIN))
    repo.commit("Sunday", dt.datetime(2026, 3, 8, 22, 0, tzinfo=BERLIN))
    repo.commit("Monday morning", dt.datetime(2026, 3, 9, 8, 0, tzinfo=BERLIN))

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["Friday", "Saturday", "Sunday", "Monday morning"]


async def test_window_keeps_commit_offset(workspace):
    repo = GitRepo.init(workspace / "app")
    authored = dt.datetime(2026, 3, 6, 1, 15, tzinfo=LOS_ANGELES)
    sha = repo.commit("from California", authored)

    result = await collect(make_request(repos=[repo.path]))

    [item] = result.yesterday
    assert item.id == sha
    assert item.timestamp == authored
    assert item.timestamp.utcoffset() == dt.timedelta(hours=-8)
    assert item.to_json()["timestamp"] == "2026-03-06T01:15:00-08:00"


async def test_window_committer_before_author(workspace):
    repo = GitRepo.init(workspace / "app")
    # The committing machine's clock was six hours behind: the committer date
    # is before the window even starts, yet the commit was authored inside it.
    authored = SINCE + dt.timedelta(hours=2)
    repo.commit("clock skew", authored, committed_at=authored - dt.timedelta(hours=6))
    # A later commit with a normal date, so git walks through the skewed one.
    repo.commit("after the skew", IN_WINDOW)

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["clock skew", "after the skew"]


async def test_window_committer_skew_at_tip(workspace):
    repo = GitRepo.init(workspace / "app")
    authored = SINCE + dt.timedelta(minutes=30)
    repo.commit("skewed tip", authored, committed_at=authored - dt.timedelta(hours=20))

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["skewed tip"]


async def test_window_sorted_across_repositories(workspace):
    first = GitRepo.init(workspace / "a")
    second = GitRepo.init(workspace / "b")
    first.commit("a late", IN_WINDOW + dt.timedelta(hours=5))
    second.commit("b early", IN_WINDOW)
    second.commit("b middle", dt.datetime(2026, 3, 6, 5, 0, tzinfo=LOS_ANGELES))  # 14:00 in Berlin

    result = await collect(make_request(repos=[first.path, second.path]))

    assert titles(result) == ["b early", "b middle", "a late"]
    assert [item.repo for item in result.yesterday] == [str(second.path), str(second.path), str(first.path)]


async def test_window_committer_days_before_author(workspace):
    repo = GitRepo.init(workspace / "app")
    authored = SINCE + dt.timedelta(hours=1)
    repo.commit("clock three days behind", authored, committed_at=authored - dt.timedelta(days=3))
    repo.commit("normal commit after it", IN_WINDOW)

    result = await collect(make_request(repos=[repo.path]))

    assert titles(result) == ["clock three days behind", "normal commit after it"]


async def test_window_old_dated_commit_on_new_work(workspace):
    # An old patch applied with `git am --committer-date-is-author-date` on top of new work
    # must not hide the new work: git's own --since would stop the walk at the old patch.
    repo = GitRepo.init(workspace / "app")
    repo.commit("setup", SINCE - dt.timedelta(days=60), files={"a.txt": "0\n"})
    repo.commit("new work", IN_WINDOW, files={"a.txt": "1\n"})
    three_weeks_ago = SINCE - dt.timedelta(days=21)
    repo.commit("old patch applied today", three_weeks_ago, author=GRACE, committed_at=three_weeks_ago, files={"b.txt": "1\n"})

    result = await collect(make_request(repos=[repo.path], authors=["ada@example.com"]))

    assert [item.title for item in result.yesterday] == ["new work"]
