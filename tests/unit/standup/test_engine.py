"""The engine merges sources and turns a failing source into a reported error."""

from __future__ import annotations

import datetime as dt
import sys
import types
from zoneinfo import ZoneInfo

import pytest

from piper.standup import sources
from piper.standup.engine import generate_standup
from piper.standup.model import Item, SourceResult, StandupRequest

BERLIN = ZoneInfo("Europe/Berlin")


def _request(*names: str) -> StandupRequest:
    return StandupRequest(
        date=dt.date(2026, 3, 9),
        since=dt.datetime(2026, 3, 6, tzinfo=BERLIN),
        until=dt.datetime(2026, 3, 9, 9, tzinfo=BERLIN),
        timezone=BERLIN,
        authors=["ada@example.com"],
        sources=list(names),
    )


class _GoodSource:
    name = "git"

    async def collect(self, request, progress):  # noqa: ANN001, ANN201
        late = Item("git", "commit", "b" * 40, "Later", "/r", None, dt.datetime(2026, 3, 7, 12, tzinfo=BERLIN))
        early = Item("git", "commit", "a" * 40, "Earlier", "/r", None, dt.datetime(2026, 3, 6, 8, tzinfo=dt.timezone.utc))
        wip = Item("git", "working_tree", "/r#working-tree", "2 files changed", "/r")
        return SourceResult(name="git", yesterday=[late, early], today=[wip], details={"repos": 1})


class _BrokenSource:
    name = "todos"

    async def collect(self, request, progress):  # noqa: ANN001, ANN201
        raise RuntimeError("database exploded")


@pytest.fixture
def fake_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("piper_test_fake_sources")
    module.GoodSource = _GoodSource
    module.BrokenSource = _BrokenSource
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(
        sources,
        "REGISTRY",
        {"git": f"{module.__name__}:GoodSource", "todos": f"{module.__name__}:BrokenSource"},
    )
    # The engine imported the registry by name, so its reference is replaced too.
    monkeypatch.setattr("piper.standup.engine.REGISTRY", sources.REGISTRY)


async def test_engine_sorts_yesterday_by_instant(fake_sources: None) -> None:
    report = await generate_standup(_request("git"))
    assert [item.title for item in report.yesterday] == ["Earlier", "Later"]
    assert [item.kind for item in report.today] == ["working_tree"]


async def test_engine_reports_failing_source_without_failing(fake_sources: None) -> None:
    report = await generate_standup(_request("git", "todos"))
    assert report.sources["git"] == {"status": "ok", "repos": 1}
    assert report.sources["todos"]["status"] == "error"
    assert "database exploded" in report.sources["todos"]["reason"]
    assert len(report.yesterday) == 2


async def test_engine_skips_sources_without_plugin(fake_sources: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    report = await generate_standup(_request("github", "calendar"))
    assert report.sources == {
        "github": {"status": "skipped", "reason": "no GitHub token configured"},
        "calendar": {"status": "skipped", "reason": "no calendars configured"},
    }


async def test_engine_json_shape(fake_sources: None) -> None:
    data = (await generate_standup(_request("git"))).to_json()
    assert list(data) == ["date", "window", "authors", "yesterday_accomplishments", "today_priorities", "blockers", "sources"]
    assert data["window"] == {"since": "2026-03-06T00:00:00+01:00", "until": "2026-03-09T09:00:00+01:00"}
    assert data["authors"] == ["ada@example.com"]
    first = data["yesterday_accomplishments"][0]
    assert list(first) == ["source", "kind", "id", "title", "repo", "url", "timestamp"]
    assert first["timestamp"] == "2026-03-06T08:00:00+00:00"


async def test_engine_authors_all_when_none(fake_sources: None) -> None:
    request = _request("git")
    request.authors = None
    assert (await generate_standup(request)).authors == ["all"]
