"""Time reading one day from a large generated calendar, with and without the prefilter.

Run: ``.venv/bin/python -m tests.integrations.calendar.measure_large_calendar``.
The file has 3,000 one-off events over two years and 300 weekly series,
each with an EXDATE and a moved occurrence (about 0.7 MB).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from zoneinfo import ZoneInfo

from piper.integrations.calendar import expand_events, parse_calendar
from piper.integrations.calendar._prefilter import prefilter_events

NEW_YORK = ZoneInfo("America/New_York")
RUNS = 5


def _event(uid: str, start: dt.datetime, minutes: int, summary: str, *extra: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20250101T000000Z",
        f"DTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=America/New_York:{start + dt.timedelta(minutes=minutes):%Y%m%dT%H%M%S}",
        *extra,
        f"SUMMARY:{summary}",
        "END:VEVENT",
    ]


def build_calendar(seed: int = 7) -> bytes:
    rng = random.Random(seed)
    first = dt.datetime(2025, 1, 6, 8, 0)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Piper measurement//EN"]
    for index in range(3000):
        start = first + dt.timedelta(days=rng.randrange(730), minutes=30 * rng.randrange(20))
        lines += _event(f"single-{index}", start, 30, f"Meeting {index}")
    for index in range(300):
        start = first + dt.timedelta(days=rng.randrange(365), minutes=30 * rng.randrange(20))
        skipped = start + dt.timedelta(weeks=3)
        lines += _event(f"series-{index}", start, 45, f"Series {index}", "RRULE:FREQ=WEEKLY",
                        f"EXDATE;TZID=America/New_York:{skipped:%Y%m%dT%H%M%S}")
        moved = start + dt.timedelta(weeks=5)
        lines += _event(f"series-{index}", moved + dt.timedelta(hours=1), 60, f"Series {index} moved",
                        f"RECURRENCE-ID;TZID=America/New_York:{moved:%Y%m%dT%H%M%S}")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    content = build_calendar()
    since = dt.datetime(2026, 3, 9, tzinfo=NEW_YORK)
    until = since + dt.timedelta(days=1)
    print(f"{len(content) / 1e6:.2f} MB, {RUNS} runs, median seconds")

    for label, prepare in (("full parse", lambda: content), ("prefiltered", lambda: prefilter_events(content, since=since, until=until))):
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            calendar = parse_calendar(prepare(), name="measure")
            events, _ = expand_events(calendar, name="measure", since=since, until=until, timezone=NEW_YORK)
            timings.append(time.perf_counter() - started)
        print(f"{label}: {statistics.median(timings):.2f} s for {len(events)} events on {since.date()}")


if __name__ == "__main__":
    main()
