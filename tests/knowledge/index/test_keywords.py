"""Keyword terms: identifiers kept whole and split into parts, stop words dropped."""

from __future__ import annotations

from piper.knowledge.index.keywords import match_expression, terms


def test_snake_case_identifier_whole_and_parts() -> None:
    assert terms("get_object_or_404") == ["get_object_or_404", "object", "404"]


def test_camel_case_identifier_whole_and_parts() -> None:
    assert terms("HttpResponseRedirect") == ["httpresponseredirect", "http", "response", "redirect"]


def test_dotted_path_and_error_code() -> None:
    assert terms("django.db.models") == ["django_db_models", "django", "db", "models"]
    assert terms("HTTP-404") == ["http_404", "http", "404"]
    assert terms("fields.E304") == ["fields_e304", "fields", "e304"]


def test_stop_words_dropped() -> None:
    assert terms("How do I get the CSRF token?") == ["csrf", "token"]


def test_match_expression_quotes_terms() -> None:
    assert match_expression(["near", "and"]) == '"near" OR "and"'
    assert match_expression([]) is None
