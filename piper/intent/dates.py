"""Resolve date words in a message ("today", "next monday", "2026-12-04") to a calendar date."""

from __future__ import annotations

import datetime as dt
import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ABBREVIATIONS = {name[:3]: index for index, name in enumerate(WEEKDAYS)}

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_RELATIVE_DAY = re.compile(r"\b(today|tonight|tomorrow|tmrw|yesterday)\b", re.IGNORECASE)
_WEEKDAY = re.compile(
    r"\b(?:(next|this|last|on)\s+)?(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b",
    re.IGNORECASE,
)
_WEEK = re.compile(r"\b(next|this|last)\s+week\b", re.IGNORECASE)


def resolve_date(text: str, today: dt.date) -> dt.date | None:
    """Return the first date the text names, relative to ``today``, or None.

    A bare or "this" weekday means the next such day from today on (today
    itself counts). "next <weekday>" means that day in the following week,
    counted from Monday, so on a Wednesday "next monday" is five days later
    and "next friday" is nine days later. "last <weekday>" is the most recent
    one before today. "next week" resolves to next week's Monday.
    """
    iso = _ISO_DATE.search(text)
    if iso:
        try:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None

    relative = _RELATIVE_DAY.search(text)
    if relative:
        word = relative.group(1).lower()
        offset = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}[word]
        return today + dt.timedelta(days=offset)

    weekday = _WEEKDAY.search(text)
    if weekday:
        return _resolve_weekday((weekday.group(1) or "").lower(), _WEEKDAY_ABBREVIATIONS[weekday.group(2).lower()], today)

    week = _WEEK.search(text)
    if week:
        monday = today - dt.timedelta(days=today.weekday())
        shift = {"next": 7, "this": 0, "last": -7}[week.group(1).lower()]
        return monday + dt.timedelta(days=shift)

    return None


def _resolve_weekday(modifier: str, target: int, today: dt.date) -> dt.date:
    if modifier == "next":
        next_monday = today + dt.timedelta(days=7 - today.weekday())
        return next_monday + dt.timedelta(days=target)
    if modifier == "last":
        back = (today.weekday() - target) % 7 or 7
        return today - dt.timedelta(days=back)
    return today + dt.timedelta(days=(target - today.weekday()) % 7)
