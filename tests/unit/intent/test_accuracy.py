"""Offline accuracy on the held-out evaluation set, which shares no message with the example bank."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from piper.domain.intent import Action
from piper.intent.bank import load_examples
from piper.intent.classifier import IntentClassifier

EVAL_PATH = Path(__file__).parents[2] / "fixtures" / "intent_eval.jsonl"
MIN_ACCURACY = 0.95


def _load_eval() -> list[dict[str, str]]:
    return [json.loads(line) for line in EVAL_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .!?")


def test_eval_set_disjoint_from_bank() -> None:
    bank = {_key(example.text) for example in load_examples()}

    overlap = [row["text"] for row in _load_eval() if _key(row["text"]) in bank]

    assert overlap == []


def test_eval_set_covers_every_action() -> None:
    rows = _load_eval()
    counts = Counter(row["action"] for row in rows)

    assert len(rows) >= 250
    assert {Action(name) for name in counts} == set(Action)
    assert min(counts.values()) >= 5


def test_eval_accuracy_per_action() -> None:
    classifier = IntentClassifier()
    totals: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    misses = []

    for row in _load_eval():
        predicted = classifier.classify_local(row["text"]).action.value
        totals[row["action"]] += 1
        if predicted == row["action"]:
            correct[row["action"]] += 1
        else:
            misses.append(f"{row['text']!r}: expected {row['action']}, got {predicted}")

    accuracy = sum(correct.values()) / sum(totals.values())
    per_action = "\n".join(f"  {action:22} {correct[action]}/{totals[action]}" for action in sorted(totals))
    report = f"accuracy {accuracy:.3f}\n{per_action}\nmisses:\n  " + "\n  ".join(misses)
    print(report)

    assert accuracy >= MIN_ACCURACY, report
