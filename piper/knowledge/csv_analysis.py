"""Describing a CSV file's columns: inferred types, counts, nulls, top values, numeric and date ranges."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

NULL_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "#n/a"})
"""Cell values (case-folded, stripped) that mean "no value"."""

TRUE_TOKENS = frozenset({"true", "yes", "y", "t"})
FALSE_TOKENS = frozenset({"false", "no", "n", "f"})
TOP_VALUES = 5
DATE_FORMATS = ("%Y/%m/%d", "%d.%m.%Y")
"""Date formats tried after ISO 8601; day-first and month-first slashes are left out because they are ambiguous."""


def analyze_csv(path: Path) -> dict[str, Any]:
    """Return the row count and a description of every column of a CSV file.

    A column's type is the narrowest of boolean, integer, float, date,
    datetime and text that fits every non-null value.
    """
    from piper.knowledge.extract.csv_table import read_table

    header, rows = read_table(path)
    columns = [describe_column(name, [row[index] for row in rows]) for index, name in enumerate(header)]
    return {"rows": len(rows), "columns": columns}


def describe_column(name: str, cells: list[str]) -> dict[str, Any]:
    """Describe one column from its raw cell values."""
    values = [cell.strip() for cell in cells if cell.strip().casefold() not in NULL_TOKENS]
    column_type, parsed = _infer_type(values)
    counts = Counter(values)
    description: dict[str, Any] = {
        "name": name,
        "type": column_type,
        "count": len(values),
        "nulls": len(cells) - len(values),
        "distinct": len(counts),
        "top_values": [{"value": value, "count": count} for value, count in counts.most_common(TOP_VALUES)],
    }
    if column_type in {"integer", "float"} and parsed:
        numbers = [float(number) for number in parsed]
        description.update(min=_number(min(parsed)), max=_number(max(parsed)), mean=round(statistics.fmean(numbers), 6))
    if column_type in {"date", "datetime"} and parsed:
        description.update(earliest=min(parsed, key=_sort_key).isoformat(), latest=max(parsed, key=_sort_key).isoformat())
    return description


def _sort_key(moment: dt.date) -> Any:
    # A column may mix datetimes with and without an offset, which Python cannot compare.
    # NOTE: a datetime without an offset is compared as if it were UTC.
    if isinstance(moment, dt.datetime):
        return moment.replace(tzinfo=dt.timezone.utc) if moment.utcoffset() is None else moment
    return moment


def _number(value: Any) -> int | float:
    return int(value) if isinstance(value, int) else float(value)


def _infer_type(values: list[str]) -> tuple[str, list[Any]]:
    if not values:
        return "empty", []
    parsers: list[tuple[str, Callable[[str], Any]]] = [
        ("boolean", _parse_boolean),
        ("integer", _parse_integer),
        ("float", _parse_float),
        ("date", _parse_date),
        ("datetime", _parse_datetime),
    ]
    for type_name, parse in parsers:
        try:
            return type_name, [parse(value) for value in values]
        except ValueError:
            continue
    return "text", []


def _parse_boolean(value: str) -> bool:
    folded = value.casefold()
    if folded in TRUE_TOKENS:
        return True
    if folded in FALSE_TOKENS:
        return False
    raise ValueError(value)


def _parse_integer(value: str) -> int:
    # int() and float() accept Python's digit separators ("1_000"); in a CSV file such a value is text.
    if "_" in value:
        raise ValueError(value)
    return int(value)


def _parse_float(value: str) -> float:
    if "_" in value:
        raise ValueError(value)
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(value)
    return number


def _parse_date(value: str) -> dt.date:
    if len(value) == 10 and value[4] == "-":
        return dt.date.fromisoformat(value)
    for date_format in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise ValueError(value)


def _parse_datetime(value: str) -> dt.datetime:
    if len(value) < 16 or value[4] != "-":
        raise ValueError(value)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def table_summary(path: Path) -> list[str]:
    """Describe a CSV file in sentences: its size and columns, then one sentence per column.

    An extractive summary of a table would pick a few arbitrary rows, so
    the offline summary of a CSV file is this description instead.
    """
    analysis = analyze_csv(path)
    columns = analysis["columns"]
    names = ", ".join(column["name"] for column in columns)
    sentences = [f"{analysis['rows']} rows and {len(columns)} columns: {names}."]
    for column in columns:
        sentences.append(_column_sentence(column))
    return sentences


def _column_sentence(column: dict[str, Any]) -> str:
    facts = [f"{column['type']}, {column['distinct']} distinct values"]
    if column["nulls"]:
        facts.append(f"{column['nulls']} empty")
    if "min" in column:
        facts.append(f"from {column['min']:g} to {column['max']:g}, mean {column['mean']:.4g}")
    elif "earliest" in column:
        facts.append(f"from {column['earliest']} to {column['latest']}")
    elif column["top_values"] and column["distinct"] < column["count"]:
        top = ", ".join(f"{value['value']} ({value['count']})" for value in column["top_values"][:3])
        facts.append(f"most often {top}")
    return f"{column['name']}: " + "; ".join(facts) + "."
