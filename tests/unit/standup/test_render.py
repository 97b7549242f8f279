"""Renderers: every format shows the same items and escapes its own markup."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from piper.standup.model import Item, StandupReport
from piper.standup.render import render_text_format
from piper.standup.render.rich import build

BERLIN = ZoneInfo("Europe/Berlin")
SHA = "0123456789abcdef0123456789abcdef01234567"


def _report(**overrides: object) -> StandupReport:
    values: dict[str, object] = dict(
        date=dt.date(2026, 3, 9),
        since=dt.datetime(2026, 3, 6, tzinfo=BERLIN),
        until=dt.datetime(2026, 3, 9, 9, 12, tzinfo=BERLIN),
        authors=["ada@example.com"],
        yesterday=[
            Item("git", "commit", SHA, "Fix <export> & *bold* _it_", "/work/web", f"https://github.com/acme/web/commit/{SHA}",
                 dt.datetime(2026, 3, 6, 10, tzinfo=BERLIN)),
            Item("todos", "todo", "7", "Send roadmap to Grace"),
        ],
        today=[Item("git", "branch", "/work/web#branch:feature/csv", "feature/csv: 2 unpushed commits", "/work/web")],
        blockers=[Item("git", "git_operation", "/work/api#operation", "rebase stopped on main", "/work/api")],
        sources={
            "git": {"status": "ok", "repos": 2, "errors": [{"repo": "/work/broken", "error": "permission denied"}]},
            "github": {"status": "skipped", "reason": "no GitHub token configured"},
        },
    )
    values.update(overrides)
    return StandupReport(**values)  # type: ignore[arg-type]


def test_text_lists_sections_groups_and_problems() -> None:
    text = render_text_format(_report(), "text")
    assert text.splitlines()[0] == "Standup for Monday 9 March 2026"
    assert "Window: Fri 6 Mar 00:00 to Mon 9 Mar 09:12 (UTC+01:00)" in text
    assert "  - Send roadmap to Grace" in text
    assert "  /work/web\n    - Fix <export> & *bold* _it_ (0123456)" in text
    assert "Blockers\n  /work/api\n    - rebase stopped on main" in text
    assert "git ok (2 repositories, 1 unreadable)" in text
    assert "github skipped: no GitHub token configured" in text
    assert "  ! git: /work/broken: permission denied" in text


def test_text_says_when_section_is_empty() -> None:
    text = render_text_format(_report(yesterday=[], today=[], blockers=[]), "text")
    assert "Yesterday\n  Nothing recorded in this window." in text
    assert "Blockers\n  No blockers." in text


def test_markdown_escapes_and_links_commits() -> None:
    text = render_text_format(_report(), "markdown")
    assert text.startswith("# Standup for Monday 9 March 2026\n")
    assert "## Yesterday" in text
    assert "## Today" in text
    assert "## Blockers" in text
    assert f"- Fix \\<export\\> & \\*bold\\* \\_it\\_ ([`0123456`](https://github.com/acme/web/commit/{SHA}))" in text
    assert "**/work/web**" in text


def test_slack_escapes_control_characters() -> None:
    text = render_text_format(_report(), "slack")
    assert text.startswith("*Standup for Monday 9 March 2026*")
    assert f"• Fix &lt;export&gt; &amp; *bold* _it_ (<https://github.com/acme/web/commit/{SHA}|0123456>)" in text
    assert ":warning: git: /work/broken: permission denied" in text


def test_json_format_is_report_data() -> None:
    data = json.loads(render_text_format(_report(), "json"))
    assert data["yesterday_accomplishments"][0]["id"] == SHA
    assert data["blockers"][0]["kind"] == "git_operation"


def test_rich_renders_without_markup_injection() -> None:
    console = Console(record=True, width=100, color_system=None)
    console.print(build(_report(yesterday=[Item("todos", "todo", "1", "[bold]not markup[/bold]")])))
    text = console.export_text()
    assert "[bold]not markup[/bold]" in text
    assert "Yesterday (1)" in text


def test_home_paths_are_shortened(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("HOME", str(tmp_path))
    repo = str(tmp_path / "code" / "web")
    report = _report(yesterday=[Item("git", "commit", SHA, "Change", repo)], today=[], blockers=[], sources={})
    assert "  ~/code/web\n" in render_text_format(report, "text")


def test_round_trip_through_json() -> None:
    report = _report()
    again = StandupReport.from_json(report.to_json())
    assert again.to_json() == report.to_json()
