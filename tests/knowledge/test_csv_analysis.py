"""Tests for describing CSV columns: types, counts, nulls, top values, numeric and date ranges."""

from __future__ import annotations

from pathlib import Path

from piper.knowledge.csv_analysis import analyze_csv


def columns(path: Path) -> dict[str, dict]:
    return {column["name"]: column for column in analyze_csv(path)["columns"]}


def test_types_inferred(tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text(
        "city,revenue,units,day,active,seen\n"
        "Berlin,100.5,3,2026-01-01,yes,2026-01-01T10:00:00Z\n"
        "Paris,,4,2026-02-03,no,2026-01-02T10:00:00+01:00\n"
        "Berlin,7,NA,2025-12-31,yes,\n"
    )

    found = columns(path)

    assert {name: column["type"] for name, column in found.items()} == {
        "city": "text", "revenue": "float", "units": "integer", "day": "date", "active": "boolean", "seen": "datetime",
    }
    assert analyze_csv(path)["rows"] == 3


def test_counts_nulls_and_top_values(tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("city,revenue\nBerlin,1\nParis,\nBerlin,n/a\nRome,4\nBerlin,5\n")

    found = columns(path)

    assert found["city"]["count"] == 5
    assert found["city"]["distinct"] == 3
    assert found["city"]["top_values"][0] == {"value": "Berlin", "count": 3}
    assert found["revenue"]["count"] == 3
    assert found["revenue"]["nulls"] == 2


def test_numeric_and_date_ranges(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("amount,ordered\n10,2026-03-05\n-2,2025-11-30\n30,2026/01/15\n")

    found = columns(path)

    assert (found["amount"]["min"], found["amount"]["max"], found["amount"]["mean"]) == (-2, 30, 12.666667)
    assert (found["ordered"]["earliest"], found["ordered"]["latest"]) == ("2025-11-30", "2026-03-05")


def test_mixed_values_are_text(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("code\n1_000\n42\nabc\n")

    assert columns(path)["code"]["type"] == "text"
